import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { EventStreamReader } from './support/sse';
import { TEST_ADMIN, TEST_API_KEY, TEST_UI_ORIGIN, useWorldWithSmtp } from './support/test-service';

const HTTPS_UI = 'https://review.handoff.test';
let url: string;
/** A second API on the same database: re-checks sessions every 200 ms and serves an https UI. */
let fastUrl: string;
let admin: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  url = (await world.start({ SMTP_URL: smtp.url })).url;
  fastUrl = (await world.start({ SMTP_URL: smtp.url, SESSION_RECHECK_MS: '200', PUBLIC_UI_URL: HTTPS_UI })).url;
  admin = await ApiClient.signIn(url, TEST_ADMIN.email, TEST_ADMIN.password);
});

let accounts = 0;
async function newReviewer(): Promise<{ id: string; email: string; password: string }> {
  accounts += 1;
  const account = { email: `watcher-${accounts}@handoff.test`, password: 'password-1234' };
  const created = await admin.post('/api/v1/reviewers', { ...account, name: `Watcher ${accounts}`, role: 'reviewer' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: created.body.id, ...account };
}

async function openStream(base: string, headers: Record<string, string>): Promise<EventStreamReader> {
  const stream = new EventStreamReader(`${base}/api/v1/reviews/stream`, headers);
  assert.equal(await stream.open(), 200);
  return stream;
}

/** Publishes a review event the way the services do, so an open stream can prove it still delivers. */
async function publishReviewEvent(): Promise<string> {
  const reviewId = randomUUID();
  const event = { type: 'review.claimed', reviewId, at: new Date().toISOString() };
  await world.query('SELECT pg_notify($1, $2)', ['handoff_reviews', JSON.stringify(event)]);
  return reviewId;
}

describe('sessions: sign-out and live streams', () => {
  test('logout with the session cookie is refused from another origin or none, and works from the UI', async () => {
    const account = await newReviewer();
    const session = await ApiClient.signIn(url, account.email, account.password);
    const cookie = session.defaultHeaders.cookie!;
    const forgeries: Record<string, string>[] = [
      { cookie, origin: 'http://evil.example' },
      { cookie },
      { cookie, origin: 'null' },
    ];
    for (const headers of forgeries) {
      const forced = await new ApiClient(url, null, headers).post('/api/v1/auth/logout');
      assert.equal(forced.status, 403, JSON.stringify(headers));
      assert.equal(forced.headers.get('set-cookie'), null, 'the cookie is left alone');
    }
    assert.equal((await session.get('/api/v1/auth/me')).status, 200, 'the session survived the forced sign-outs');
    assert.equal((await session.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await session.get('/api/v1/auth/me')).status, 401);
    // Without a session there is nothing to end: still 204, the cookie is cleared.
    assert.equal((await new ApiClient(url, null).post('/api/v1/auth/logout')).status, 204);
  });

  test('a review stream ends when its session signs out or its account is disabled; others keep streaming', async () => {
    const account = await newReviewer();
    const first = await ApiClient.signIn(url, account.email, account.password);
    const second = await ApiClient.signIn(url, account.email, account.password);
    const firstStream = await openStream(url, { cookie: first.defaultHeaders.cookie! });
    const secondStream = await openStream(url, { cookie: second.defaultHeaders.cookie! });
    const machineStream = await openStream(url, { authorization: `Bearer ${TEST_API_KEY}` });
    try {
      assert.equal((await first.post('/api/v1/auth/logout')).status, 204);
      assert.equal(await firstStream.ended(20_000), true, 'the signed-out session’s stream ended');
      const reopened = new EventStreamReader(`${url}/api/v1/reviews/stream`, { cookie: first.defaultHeaders.cookie! });
      assert.equal(await reopened.open(), 401, 'and cannot be reopened');

      const stillLive = await publishReviewEvent();
      await secondStream.waitFor((event) => event.data.reviewId === stillLive);
      await machineStream.waitFor((event) => event.data.reviewId === stillLive);

      assert.equal((await admin.patch(`/api/v1/reviewers/${account.id}`, { disabled: true })).status, 200);
      assert.equal(await secondStream.ended(20_000), true, 'the disabled account’s stream ended');
      const afterDisabling = await publishReviewEvent();
      await machineStream.waitFor((event) => event.data.reviewId === afterDisabling);
    } finally {
      await Promise.all([firstStream.close(), secondStream.close(), machineStream.close()]);
    }
  });

  test('a stream ends when its session expires, found by the periodic re-check', async () => {
    const account = await newReviewer();
    const session = await ApiClient.signIn(fastUrl, account.email, account.password, HTTPS_UI);
    const cookie = session.defaultHeaders.cookie!;
    const stream = await openStream(fastUrl, { cookie });
    try {
      const live = await publishReviewEvent();
      await stream.waitFor((event) => event.data.reviewId === live);
      // Expired in the database behind the service's back: no notification, only the re-check can see it.
      const token = decodeURIComponent(cookie.split('=')[1]!);
      const hash = createHash('sha256').update(token).digest('hex');
      await world.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hash]);
      assert.equal(await stream.ended(20_000), true, 'the expired session’s stream ended');
    } finally {
      await stream.close();
    }
  });
});

describe('security headers on the API', () => {
  const expectProtected = (headers: Headers, what: string) => {
    assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, what);
    assert.equal(headers.get('x-frame-options'), 'DENY', what);
    assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
    assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
    assert.equal(headers.get('cache-control'), 'no-store', what);
  };

  test('data answers, errors included, forbid framing, sniffing, referrers and caching; HSTS only for an https UI', async () => {
    const machine = new ApiClient(url);
    for (const [client, path] of [
      [machine, '/api/v1/reviews'],
      [machine, '/api/v1/history'],
      [new ApiClient(url, null), '/api/v1/reviews'],
      [machine, '/api/v1/reviews/not-a-uuid'],
      [new ApiClient(url, null, { origin: TEST_UI_ORIGIN }), '/api/v1/auth/me'],
    ] as const) {
      const response = await client.get(path);
      expectProtected(response.headers, `${path} (${response.status})`);
      assert.match(response.headers.get('content-security-policy') ?? '', /^default-src 'none'/);
      assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS for an http UI');
    }
    const https = await new ApiClient(fastUrl).get('/api/v1/reviews');
    expectProtected(https.headers, 'https UI');
    assert.match(https.headers.get('strict-transport-security') ?? '', /^max-age=31536000/);
  });

  test('the docs page gets its own policy and still loads its script', async () => {
    const page = await fetch(`${url}/api/docs/`);
    const html = await page.text();
    assert.equal(page.status, 200);
    expectProtected(page.headers, '/api/docs');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src|default-src 'self'/);
    assert.doesNotMatch(html, /<script>(?!\s*<\/script>)/, 'no inline script the policy would block');
    const script = /<script src="\.?\/?([^"]*swagger-ui-init\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the docs page names its init script');
    const init = await fetch(`${url}/api/docs/${script}`);
    await init.body?.cancel();
    assert.equal(init.status, 200);
  });

  test('the review stream is not stored either', async () => {
    const stream = await fetch(`${url}/api/v1/reviews/stream`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    assert.match(stream.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(stream.headers.get('x-frame-options'), 'DENY');
    await stream.body?.cancel();
  });
});
