import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ReviewerSchema } from '@handoff/contracts';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { eventually, TEST_ADMIN, TEST_UI_ORIGIN, TestWorld } from './support/test-service';

const PASSWORD = 'password-1234';
const ACCOUNT_LIMIT = 3;
const CLIENT_LIMIT = 8;
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

const world = new TestWorld();
const THROTTLE = {
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT),
  SIGNIN_MAX_FAILURES_PER_CLIENT: String(CLIENT_LIMIT),
  SIGNIN_FAILURE_WINDOW_SECONDS: '300',
  SIGNIN_LOCK_SECONDS: '1',
  SIGNIN_MAX_LOCK_SECONDS: '4',
};
let url: string;
/** A second API on the same database and Redis that believes X-Forwarded-For from loopback proxies. */
let behindProxyUrl: string;
let admin: ApiClient;
before(async () => {
  await world.setUp();
  url = (await world.start(THROTTLE)).url;
  behindProxyUrl = (await world.start({ ...THROTTLE, TRUST_PROXY: 'loopback', APP_ROLE: 'api' })).url;
  admin = await ApiClient.signIn(url, TEST_ADMIN.email, TEST_ADMIN.password);
});
after(() => world.tearDown());

let accounts = 0;
async function newReviewer(): Promise<{ id: string; email: string }> {
  accounts += 1;
  const email = `signer-${accounts}@handoff.test`;
  const created = await admin.post('/api/v1/reviewers', { email, name: `Signer ${accounts}`, password: PASSWORD });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: ReviewerSchema.parse(created.body).id, email };
}

interface SignInAnswer {
  status: number;
  retryAfter: string | undefined;
}

/**
 * Signs in from a loopback address of the test's choosing (all of 127.0.0.0/8 is the loopback), so each
 * test is its own client for the per-address limit, as separate machines would be.
 */
function signInFrom(
  localAddress: string,
  email: string,
  password: string,
  { base = url, forwardedFor }: { base?: string; forwardedFor?: string } = {},
): Promise<SignInAnswer> {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}/api/v1/auth/login`,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          origin: TEST_UI_ORIGIN,
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] as string | undefined }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Waits until a lock has run out: refused attempts are not counted, so probing a locked account costs nothing. */
function unlocked(localAddress: string, email: string, password: string): Promise<SignInAnswer> {
  return eventually(async () => {
    const answer = await signInFrom(localAddress, email, password);
    return answer.status === 429 ? undefined : answer;
  }, `the sign-in lock of ${email} to run out`);
}

async function auditOf(action: string, email: string) {
  return world.query<{ actor: string; entity_id: string; data: Record<string, unknown> }>(
    `SELECT actor, entity_id, data FROM audit_log WHERE action = $1 AND data->>'email' = $2 ORDER BY id`,
    [action, email],
  );
}

describe('sign-in throttling', () => {
  test('an account locks after its failures, from any address, for longer each time, and recovers', async () => {
    const { id, email } = await newReviewer();
    const client = '127.0.0.11';
    for (let attempt = 0; attempt < ACCOUNT_LIMIT; attempt += 1) {
      assert.equal((await signInFrom(client, email, `guess-${attempt}`)).status, 401);
    }
    const locked = await signInFrom(client, email, PASSWORD);
    assert.deepEqual(locked, { status: 429, retryAfter: '1' }, 'locked, even with the right password');
    assert.equal((await signInFrom('127.0.0.12', email, PASSWORD)).status, 429, 'the lock is on the account');

    const failures = await auditOf('auth.sign_in_failed', email);
    assert.equal(failures.length, ACCOUNT_LIMIT);
    for (const failure of failures) {
      assert.deepEqual(failure, {
        actor: email,
        entity_id: id,
        data: { email, clientAddress: client, reason: 'wrong_password' },
      });
    }
    const [lock] = await auditOf('auth.sign_in_locked', email);
    assert.deepEqual(lock?.data, { email, clientAddress: client, scopes: ['account'], lockSeconds: 1 });
    const trail = JSON.stringify(await world.query(`SELECT * FROM audit_log`));
    assert.doesNotMatch(trail, /guess-/, 'no tried password is kept');

    // Once the lock runs out the account has a fresh allowance, and the next lock is twice as long.
    assert.equal((await unlocked(client, email, 'guess-after-first-lock')).status, 401);
    for (let attempt = 1; attempt < ACCOUNT_LIMIT; attempt += 1) {
      assert.equal((await signInFrom(client, email, `guess-again-${attempt}`)).status, 401);
    }
    assert.deepEqual(await signInFrom(client, email, PASSWORD), { status: 429, retryAfter: '2' });

    // The right password after the lock signs in and forgives the failures: the backoff starts over.
    // (From another address: this one is close to its own limit by now.)
    const fresh = '127.0.0.13';
    assert.equal((await unlocked(fresh, email, PASSWORD)).status, 200);
    for (let attempt = 0; attempt < ACCOUNT_LIMIT; attempt += 1) {
      assert.equal((await signInFrom(fresh, email, `guess-late-${attempt}`)).status, 401);
    }
    assert.deepEqual(await signInFrom(fresh, email, PASSWORD), { status: 429, retryAfter: '1' });
  });

  test('concurrent guesses are counted before they are checked: no more than the limit get through', async () => {
    const { email } = await newReviewer();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, attempt) => signInFrom('127.0.0.31', email, `parallel-${attempt}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    assert.equal(statuses.filter((status) => status === 401).length, ACCOUNT_LIMIT, statuses.join(','));
    assert.equal(statuses.filter((status) => status === 429).length, 12 - ACCOUNT_LIMIT, statuses.join(','));
  });

  test('one address guessing many accounts is locked at its own, higher limit; other addresses are not', async () => {
    const { email } = await newReviewer();
    const client = '127.0.0.21';
    // Unknown accounts, one guess each: no account reaches its limit, the address does.
    const guessed = Array.from({ length: CLIENT_LIMIT }, (_, index) => `nobody-${index}@handoff.test`);
    for (const unknown of guessed) assert.equal((await signInFrom(client, unknown, PASSWORD)).status, 401);
    assert.deepEqual(await signInFrom(client, email, PASSWORD), { status: 429, retryAfter: '1' });
    assert.equal((await signInFrom('127.0.0.22', email, PASSWORD)).status, 200, 'another address signs in');

    const [first] = await auditOf('auth.sign_in_failed', guessed[0]!);
    assert.deepEqual(first, {
      actor: guessed[0],
      entity_id: NO_ACCOUNT,
      data: { email: guessed[0], clientAddress: client, reason: 'unknown_account' },
    });
    const [lock] = await auditOf('auth.sign_in_locked', email);
    assert.deepEqual(lock?.data.scopes, ['client']);
    assert.equal((await unlocked(client, email, PASSWORD)).status, 200, 'the address recovers');
  });

  test('X-Forwarded-For names the client only when TRUST_PROXY believes the proxy that sent it', async () => {
    const { email } = await newReviewer();
    const guess = (index: number) => `forger-${index}@handoff.test`;
    // Straight to the API, a forged header changes nothing: the socket's address is the client.
    for (let index = 0; index < CLIENT_LIMIT; index += 1) {
      const answer = await signInFrom('127.0.0.61', guess(index), PASSWORD, { forwardedFor: `203.0.113.${index}` });
      assert.equal(answer.status, 401);
    }
    const forged = await signInFrom('127.0.0.61', email, PASSWORD, { forwardedFor: '203.0.113.99' });
    assert.equal(forged.status, 429);

    // Behind a believed proxy, each browser is its own client; the proxy's address is not locked for all of them.
    const proxy = { base: behindProxyUrl, forwardedFor: '198.51.100.7' };
    for (let index = 0; index < CLIENT_LIMIT; index += 1) {
      assert.equal((await signInFrom('127.0.0.62', guess(100 + index), PASSWORD, proxy)).status, 401);
    }
    assert.equal((await signInFrom('127.0.0.62', email, PASSWORD, proxy)).status, 429);
    const otherBrowser = { base: behindProxyUrl, forwardedFor: '198.51.100.8' };
    assert.equal((await signInFrom('127.0.0.62', email, PASSWORD, otherBrowser)).status, 200);
    const [failure] = await auditOf('auth.sign_in_failed', guess(100));
    assert.equal(failure?.data.clientAddress, '198.51.100.7');
  });

  test('successful sign-ins do not count against the address (reviewers behind one NAT)', async () => {
    const { email } = await newReviewer();
    for (let attempt = 0; attempt <= CLIENT_LIMIT; attempt += 1) {
      assert.equal((await signInFrom('127.0.0.23', email, PASSWORD)).status, 200);
    }
  });
});

describe('password change and reset', () => {
  test('a reviewer changes their password: the old one stops working and their other sessions end', async () => {
    const { id, email } = await newReviewer();
    const current = await ApiClient.signIn(url, email, PASSWORD);
    const other = await ApiClient.signIn(url, email, PASSWORD);
    const newPassword = 'a-new-password-5678';

    for (const body of [
      {},
      { currentPassword: PASSWORD },
      { currentPassword: PASSWORD, newPassword: 'short' },
      { currentPassword: PASSWORD, newPassword: PASSWORD },
    ]) {
      assert.equal((await current.post('/api/v1/auth/password', body)).status, 400, JSON.stringify(body));
    }
    const wrong = await current.post('/api/v1/auth/password', { currentPassword: 'not-my-password', newPassword });
    assert.equal(wrong.status, 403);
    assert.equal(
      (await auditOf('auth.password_change_failed', email)).length,
      1,
      'a wrong current password is audited',
    );
    assert.equal((await other.get('/api/v1/auth/me')).status, 200, 'a refused change ends nothing');
    const crossSite = new ApiClient(url, null, { ...current.defaultHeaders, origin: 'https://evil.example' });
    assert.equal(
      (await crossSite.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword })).status,
      403,
    );

    assert.equal((await current.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword })).status, 204);
    assert.equal((await current.get('/api/v1/auth/me')).status, 200, 'the session that changed it stays');
    assert.equal((await other.get('/api/v1/auth/me')).status, 401, 'every other session ended');
    assert.equal((await signInFrom('127.0.0.51', email, PASSWORD)).status, 401, 'the old password is refused');
    assert.equal((await signInFrom('127.0.0.51', email, newPassword)).status, 200);
    const [changed] = await world.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'reviewer.password_changed' AND entity_id = $1`,
      [id],
    );
    assert.equal(changed?.actor, email);
    const machine = new ApiClient(url);
    assert.equal((await machine.post('/api/v1/auth/password', { currentPassword: 'x', newPassword })).status, 403);
  });

  test('an admin resets a password: that reviewer is signed out everywhere and a sign-in lock lifts', async () => {
    const { id, email } = await newReviewer();
    const session = await ApiClient.signIn(url, email, PASSWORD);
    const newPassword = 'reset-by-admin-9012';
    const other = await newReviewer();
    const reviewer = await ApiClient.signIn(url, other.email, PASSWORD);
    assert.equal((await reviewer.post(`/api/v1/reviewers/${id}/password`, { password: newPassword })).status, 403);
    assert.equal((await session.get('/api/v1/auth/me')).status, 200, 'a reviewer cannot reset anyone');

    for (let attempt = 0; attempt < ACCOUNT_LIMIT; attempt += 1) {
      assert.equal((await signInFrom('127.0.0.41', email, `locked-out-${attempt}`)).status, 401);
    }
    assert.equal((await signInFrom('127.0.0.41', email, PASSWORD)).status, 429);

    assert.equal((await admin.post(`/api/v1/reviewers/${id}/password`, { password: 'short' })).status, 400);
    assert.equal(
      (await admin.post(`/api/v1/reviewers/${randomUUID()}/password`, { password: newPassword })).status,
      404,
    );
    assert.equal((await admin.post(`/api/v1/reviewers/${id}/password`, { password: newPassword })).status, 204);
    assert.equal((await session.get('/api/v1/auth/me')).status, 401, 'their session ended');
    assert.equal((await signInFrom('127.0.0.41', email, newPassword)).status, 200, 'the lock lifted with the reset');
    assert.equal((await signInFrom('127.0.0.42', email, PASSWORD)).status, 401, 'the old password is refused');
    const [reset] = await world.query<{ actor: string; data: object }>(
      `SELECT actor, data FROM audit_log WHERE action = 'reviewer.password_reset' AND entity_id = $1`,
      [id],
    );
    assert.deepEqual(reset, { actor: TEST_ADMIN.email, data: {} });
  });
});

describe('operator routes are admin or API key only', () => {
  test('a reviewer gets 403 on ingest, replay, dead letters and the dev mail catcher; admins and the key pass', async () => {
    const { email } = await newReviewer();
    const reviewer = await ApiClient.signIn(url, email, PASSWORD);
    const machine = new ApiClient(url);
    const routes: [method: string, path: string, body: object | undefined, allowed: number][] = [
      ['POST', '/api/v1/events/email', complaintEmail(), 202],
      ['POST', `/api/v1/runs/${randomUUID()}/replay`, undefined, 404],
      ['GET', '/api/v1/dead-letters', undefined, 200],
      ['GET', '/api/v1/dev/mail', undefined, 200],
    ];
    for (const [method, path, body, allowed] of routes) {
      // A fresh message id each time, so no answer is a duplicate of an earlier one.
      const refused = await reviewer.request(method, path, body && complaintEmail());
      assert.equal(refused.status, 403, `${method} ${path} as a reviewer`);
      assert.match(refused.body.message, /admin/);
      for (const [who, client] of [
        ['the API key', machine],
        ['an admin', admin],
      ] as const) {
        const answer = await client.request(method, path, body && complaintEmail());
        assert.equal(answer.status, allowed, `${method} ${path} with ${who}: ${JSON.stringify(answer.body)}`);
      }
    }
    const stored = await world.query<{ count: string }>(`SELECT count(*) FROM inbound_events`);
    assert.equal(Number(stored[0]!.count), 2, 'only the admin and API key ingests were stored');
  });
});
