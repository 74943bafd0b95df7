import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  AuditTrailSchema,
  ClaimResponseSchema,
  ConflictBodySchema,
  HistoryPageSchema,
  ReviewDetailSchema,
  ReviewerListSchema,
  ReviewerSchema,
  ReviewStreamEventSchema,
  SessionResponseSchema,
  WorkflowDrawingSchema,
} from '@handoff/contracts';
import { TRIAGE_NODES } from '@handoff/graphs';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { EventStreamReader } from './support/sse';
import { TEST_ADMIN, TEST_UI_ORIGIN, useWorldWithSmtp } from './support/test-service';

let url: string;
let machine: ApiClient;
let admin: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  url = (await world.start({ SMTP_URL: smtp.url })).url;
  machine = new ApiClient(url);
  admin = await ApiClient.signIn(url, TEST_ADMIN.email, TEST_ADMIN.password);
});

async function createReviewer(email: string, role: 'reviewer' | 'admin' = 'reviewer') {
  const created = await admin.post('/api/v1/reviewers', {
    email,
    name: email.split('@')[0],
    password: 'password-1234',
    role,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { reviewer: ReviewerSchema.parse(created.body), client: await ApiClient.signIn(url, email, 'password-1234') };
}

async function pendingReviewFor(email: Record<string, unknown>): Promise<string> {
  const accepted = await machine.post('/api/v1/events/email', email);
  const run = await machine.waitForRun(accepted.body.runId, ['awaiting_review']);
  return run.reviewId;
}

const pendingReview = (from: string) => pendingReviewFor(complaintEmail({ from: { address: from } }));

describe('review UI API: accounts and sessions', () => {
  test('the first admin from ADMIN_EMAIL signs in with an httpOnly cookie, reads /me and signs out', async () => {
    const login = await new ApiClient(url, null, { origin: TEST_UI_ORIGIN }).post('/api/v1/auth/login', {
      email: 'ADMIN@handoff.test',
      password: TEST_ADMIN.password,
    });
    assert.equal(login.status, 200);
    assert.equal(SessionResponseSchema.parse(login.body).reviewer.role, 'admin');
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^handoff_session=[\w-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'http UI: no Secure flag');

    const session = new ApiClient(url, null, { cookie: cookie.split(';')[0]!, origin: TEST_UI_ORIGIN });
    const me = await session.get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(SessionResponseSchema.parse(me.body).reviewer.email, TEST_ADMIN.email);
    const [stored] = await world.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    assert.match(stored!.token_hash, /^[0-9a-f]{64}$/, 'only the hash is stored');

    assert.equal((await machine.get('/api/v1/auth/me')).status, 404, 'the API key is no account');
    assert.equal((await session.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await session.get('/api/v1/auth/me')).status, 401);
  });

  test('a wrong password or unknown email gets 401', async () => {
    const anonymous = new ApiClient(url, null);
    for (const body of [
      { email: TEST_ADMIN.email, password: 'wrong-password' },
      { email: 'nobody@handoff.test', password: TEST_ADMIN.password },
    ]) {
      assert.equal((await anonymous.post('/api/v1/auth/login', body)).status, 401);
    }
  });

  test('admins create and disable reviewers; a disabled reviewer cannot sign in and their session stops', async () => {
    const { reviewer, client } = await createReviewer('dora@handoff.test');
    assert.equal(reviewer.role, 'reviewer');
    assert.equal((await client.get('/api/v1/auth/me')).status, 200);
    assert.equal((await admin.post('/api/v1/reviewers', { ...reviewer, password: 'password-1234' })).status, 409);
    const list = ReviewerListSchema.parse((await admin.get('/api/v1/reviewers')).body);
    assert.ok(list.items.some((item) => item.email === 'dora@handoff.test'));

    const disabled = await admin.patch(`/api/v1/reviewers/${reviewer.id}`, { disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal(ReviewerSchema.parse(disabled.body).disabled, true);
    assert.equal((await client.get('/api/v1/auth/me')).status, 401);
    const trail = await world.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM audit_log WHERE entity_type = 'reviewer' AND entity_id = $1 ORDER BY id`,
      [reviewer.id],
    );
    assert.deepEqual(trail, [
      { actor: TEST_ADMIN.email, action: 'reviewer.created' },
      { actor: TEST_ADMIN.email, action: 'reviewer.updated' },
    ]);
    const again = await new ApiClient(url, null).post('/api/v1/auth/login', {
      email: 'dora@handoff.test',
      password: 'password-1234',
    });
    assert.equal(again.status, 401);
  });

  test('the last enabled admin cannot be disabled or demoted', async () => {
    const { reviewer: me } = SessionResponseSchema.parse((await admin.get('/api/v1/auth/me')).body);
    assert.equal((await admin.patch(`/api/v1/reviewers/${me.id}`, { disabled: true })).status, 409);
    assert.equal((await admin.patch(`/api/v1/reviewers/${me.id}`, { role: 'reviewer' })).status, 409);
    assert.equal((await admin.patch(`/api/v1/reviewers/${randomUUID()}`, { disabled: true })).status, 404);
  });

  test('admin-only routes answer 403 to reviewers', async () => {
    const { client } = await createReviewer('rita@handoff.test');
    assert.equal((await client.get('/api/v1/reviewers')).status, 403);
    assert.equal(
      (await client.post('/api/v1/reviewers', { email: 'x@y.z', name: 'x', password: 'p'.repeat(12) })).status,
      403,
    );
    assert.equal((await client.patch(`/api/v1/reviewers/${randomUUID()}`, { disabled: true })).status, 403);
    assert.equal(
      (await client.post(`/api/v1/reviews/${randomUUID()}/assign`, { reviewerId: randomUUID() })).status,
      403,
    );
  });

  test('signed out, every route the UI uses answers 401 and shows nothing', async () => {
    const anonymous = new ApiClient(url, null, { origin: TEST_UI_ORIGIN, cookie: 'handoff_session=forged' });
    const id = randomUUID();
    const routes: [string, string][] = [
      ['GET', '/api/v1/auth/me'],
      ['GET', '/api/v1/reviewers'],
      ['POST', '/api/v1/reviewers'],
      ['PATCH', `/api/v1/reviewers/${id}`],
      ['GET', '/api/v1/reviews'],
      ['GET', '/api/v1/reviews/stream'],
      ['GET', `/api/v1/reviews/${id}`],
      ['GET', `/api/v1/reviews/${id}/audit`],
      ['POST', `/api/v1/reviews/${id}/claim`],
      ['DELETE', `/api/v1/reviews/${id}/claim`],
      ['POST', `/api/v1/reviews/${id}/assign`],
      ['POST', `/api/v1/reviews/${id}/decision`],
      ['GET', '/api/v1/history'],
      ['GET', '/api/v1/stats/overview'],
      ['GET', '/api/v1/stats/timeseries'],
      ['GET', `/api/v1/runs/${id}`],
      ['GET', '/api/v1/graphs/email-triage/mermaid'],
      ['GET', '/api/v1/graphs/email-triage'],
    ];
    for (const [method, path] of routes) {
      const response = await anonymous.request(method, path, method === 'GET' ? undefined : {});
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.deepEqual(Object.keys(response.body).sort(), ['error', 'message', 'statusCode'], `${method} ${path}`);
    }
  });

  test('cookie-authenticated writes need the UI origin (or the API’s own); reads do not', async () => {
    const { client } = await createReviewer('carl@handoff.test');
    const cookie = client.defaultHeaders.cookie!;
    const reviewId = await pendingReview('csrf@customer.example');
    const claimWith = (headers: Record<string, string>) =>
      new ApiClient(url, null, { cookie, ...headers }).post(`/api/v1/reviews/${reviewId}/claim`);
    assert.equal((await claimWith({})).status, 403, 'no Origin');
    assert.equal((await claimWith({ origin: 'https://evil.example' })).status, 403, 'foreign Origin');
    assert.equal((await new ApiClient(url, null, { cookie }).get('/api/v1/reviews')).status, 200);
    assert.equal((await claimWith({ origin: new URL(url).origin })).status, 200, 'the API’s own origin');
    assert.equal((await claimWith({ origin: TEST_UI_ORIGIN })).status, 200, 'the UI origin');
    const forgedLogin = await new ApiClient(url, null, { origin: 'https://evil.example' }).post('/api/v1/auth/login', {
      email: TEST_ADMIN.email,
      password: TEST_ADMIN.password,
    });
    assert.equal(forgedLogin.status, 403);
  });
});

describe('review UI API: live queue, claims, decisions, history', () => {
  test('the stream announces opened, claimed and decided reviews; a web decision records the reviewer', async () => {
    const { client: reviewer } = await createReviewer('sam@handoff.test');
    const stream = new EventStreamReader(`${url}/api/v1/reviews/stream`, { cookie: reviewer.defaultHeaders.cookie! });
    assert.equal(await stream.open(), 200);
    try {
      const reviewId = await pendingReview('stream@customer.example');
      const opened = await stream.waitFor(
        (event) => event.type === 'review.opened' && event.data.reviewId === reviewId,
      );
      assert.equal(ReviewStreamEventSchema.parse(opened.data).type, 'review.opened');

      assert.equal((await reviewer.post(`/api/v1/reviews/${reviewId}/claim`)).status, 200);
      await stream.waitFor((event) => event.type === 'review.claimed' && event.data.reviewId === reviewId);

      const detail = ReviewDetailSchema.parse((await reviewer.get(`/api/v1/reviews/${reviewId}`)).body);
      assert.equal(detail.message.from.address, 'stream@customer.example');
      assert.equal(detail.claim?.reviewerName, 'sam');
      assert.equal(detail.reply, null);

      const edited = 'Dear customer,\n\nWe are sorry. A manager will call you.\n\nSupport';
      const decided = await reviewer.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'edit', text: edited });
      assert.equal(decided.status, 200);
      assert.equal(decided.body.actor, 'sam@handoff.test');
      await stream.waitFor((event) => event.type === 'review.decided' && event.data.reviewId === reviewId);
      assert.equal(ReviewDetailSchema.parse((await reviewer.get(`/api/v1/reviews/${reviewId}`)).body).claim, null);
      const [decision] = await world.query<{ actor: string; surface: string }>(
        'SELECT actor, surface FROM review_decisions WHERE task_id = $1',
        [reviewId],
      );
      assert.deepEqual(decision, { actor: 'sam@handoff.test', surface: 'web' });
      const late = await admin.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
      assert.equal(late.status, 409);
      assert.equal(ConflictBodySchema.parse(late.body).decision?.actor, 'sam@handoff.test');

      await machine.waitForRun(detail.runId, ['sent']);
      const history = HistoryPageSchema.parse((await reviewer.get('/api/v1/history?limit=10')).body);
      const entry = history.items.find((item) => item.reviewId === reviewId);
      assert.ok(entry, 'the decision is in the history');
      assert.equal(entry.decision.actor, 'sam@handoff.test');
      assert.equal(entry.decision.action, 'edit');
      assert.match(entry.decision.diff ?? '', /\+We are sorry\. A manager will call you\./);
      assert.equal(entry.reply?.status, 'sent');
      assert.equal(entry.reply?.body, edited);

      const audit = AuditTrailSchema.parse((await reviewer.get(`/api/v1/reviews/${reviewId}/audit`)).body);
      const actions = audit.items.map((item) => item.action);
      for (const action of ['event.accepted', 'review.opened', 'review.claimed', 'review.edit', 'reply.requested']) {
        assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
      }
      assert.equal(audit.items.find((item) => item.action === 'review.edit')?.actor, 'sam@handoff.test');
    } finally {
      await stream.close();
    }
  });

  test('claims: others see the holder and get 409; claims expire; admins reassign', async () => {
    const { reviewer: ann, client: annClient } = await createReviewer('ann@handoff.test');
    const { reviewer: ben, client: benClient } = await createReviewer('ben@handoff.test');
    const reviewId = await pendingReview('claims@customer.example');

    const claimed = ClaimResponseSchema.parse((await annClient.post(`/api/v1/reviews/${reviewId}/claim`)).body);
    assert.equal(claimed.claim?.reviewerId, ann.id);
    const until = Date.parse(claimed.claim!.until) - Date.now();
    assert.ok(until > 14 * 60_000 && until <= 15 * 60_000, `claim lasts REVIEW_CLAIM_MINUTES (${until} ms)`);
    const refused = await benClient.post(`/api/v1/reviews/${reviewId}/claim`);
    assert.equal(refused.status, 409);
    assert.equal(ConflictBodySchema.parse(refused.body).claim?.reviewerName, 'ann');
    assert.equal((await benClient.delete(`/api/v1/reviews/${reviewId}/claim`)).status, 409);
    assert.equal((await machine.post(`/api/v1/reviews/${reviewId}/claim`)).status, 403, 'the API key is no reviewer');
    const mine = (await benClient.get(`/api/v1/reviews?assignee=${ann.id}`)).body;
    assert.deepEqual(
      mine.items.map((item: { id: string }) => item.id),
      [reviewId],
    );

    await world.query(`UPDATE review_tasks SET claimed_until = now() - interval '1 second' WHERE id = $1`, [reviewId]);
    assert.equal(ReviewDetailSchema.parse((await benClient.get(`/api/v1/reviews/${reviewId}`)).body).claim, null);
    const taken = ClaimResponseSchema.parse((await benClient.post(`/api/v1/reviews/${reviewId}/claim`)).body);
    assert.equal(taken.claim?.reviewerId, ben.id);

    const assigned = await admin.post(`/api/v1/reviews/${reviewId}/assign`, { reviewerId: ann.id });
    assert.equal(assigned.status, 200);
    assert.equal(ClaimResponseSchema.parse(assigned.body).claim?.reviewerId, ann.id);
    assert.equal((await admin.post(`/api/v1/reviews/${reviewId}/assign`, { reviewerId: randomUUID() })).status, 404);
    const released = await annClient.delete(`/api/v1/reviews/${reviewId}/claim`);
    assert.equal(released.status, 200);
    assert.equal(ClaimResponseSchema.parse(released.body).claim, null);
  });

  test('the item page lists the earlier messages of the thread that we hold', async () => {
    const first = complaintEmail({ from: { address: 'thread@customer.example' }, text: 'First complaint text.' });
    const firstReview = await pendingReviewFor(first);
    const second = complaintEmail({
      from: { address: 'thread@customer.example' },
      inReplyTo: first.messageId,
      references: first.messageId,
      html: '<p onclick="alert(1)">Still waiting</p>',
    });
    const secondReview = await pendingReviewFor(second);
    const detail = ReviewDetailSchema.parse((await admin.get(`/api/v1/reviews/${secondReview}`)).body);
    assert.deepEqual(
      detail.message.thread.map((entry) => [entry.direction, entry.from, entry.text]),
      [['inbound', 'thread@customer.example', 'First complaint text.']],
    );
    assert.equal(
      detail.message.untrustedHtml,
      '<p onclick="alert(1)">Still waiting</p>',
      'as received, for the UI to sanitise',
    );
    assert.equal(detail.message.sanitizedHtml, '<p>Still waiting</p>');
    assert.equal(
      ReviewDetailSchema.parse((await admin.get(`/api/v1/reviews/${firstReview}`)).body).message.thread.length,
      0,
    );
  });

  test('stopping the service ends open streams instead of hanging on them', async () => {
    const second = await world.start({ SMTP_URL: smtp.url });
    const stream = new EventStreamReader(`${second.url}/api/v1/reviews/stream`, {
      cookie: admin.defaultHeaders.cookie!,
    });
    assert.equal(await stream.open(), 200);
    await world.stop(second);
    assert.equal(await stream.ended(5_000), true, 'the server ended the stream');
    await stream.close();
  });

  test('the drawing lists every node and edge of the triage graph, and its Mermaid text names every node', async () => {
    const response = await admin.get('/api/v1/graphs/email-triage/mermaid');
    assert.equal(response.status, 200);
    const drawing = WorkflowDrawingSchema.parse(response.body);
    assert.match(drawing.mermaid, /graph TD|flowchart/);
    for (const node of TRIAGE_NODES) assert.match(drawing.mermaid, new RegExp(`\\b${node}\\b`), node);
    assert.deepEqual(drawing.nodes.map((node) => node.id).sort(), ['__end__', '__start__', ...TRIAGE_NODES].sort());
    const ids = new Set(drawing.nodes.map((node) => node.id));
    for (const edge of drawing.edges) assert.ok(ids.has(edge.source) && ids.has(edge.target), JSON.stringify(edge));
    assert.ok(drawing.edges.some((edge) => edge.source === 'route' && edge.target === 'review' && edge.conditional));
    assert.ok(drawing.edges.some((edge) => edge.source === 'redraft' && edge.target === 'draft' && !edge.conditional));
    const current = await admin.get('/api/v1/graphs/email-triage');
    assert.equal(current.status, 200);
    assert.deepEqual(current.body, response.body, 'both addresses serve the same drawing');
  });
});
