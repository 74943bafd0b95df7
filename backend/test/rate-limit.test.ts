import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url, INGEST_RATE_LIMIT_PER_MINUTE: '5' })).url);
});

test('ingest is rate-limited per key with 429 and Retry-After, and refused requests store nothing', async () => {
  const statuses: number[] = [];
  let refused: { status: number; body: any; headers: Headers } | undefined;
  for (let index = 0; index < 8; index += 1) {
    const response = await api.post(
      '/api/v1/events/email',
      orderStatusEmail({ from: { address: `limit${index}@customer.example` } }),
    );
    statuses.push(response.status);
    if (response.status === 429) refused ??= response;
  }
  // A burst of 5, then one more every 12 s: a slow machine may earn one refill inside the loop.
  const accepted = statuses.filter((status) => status === 202).length;
  assert.ok(accepted === 5 || accepted === 6, statuses.join(','));
  assert.deepEqual(statuses.slice(0, 5), [202, 202, 202, 202, 202]);
  assert.ok(refused, 'some requests were refused');
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 12, `Retry-After ${retryAfter}`);
  assert.match(refused.body.message, /rate limit of 5 events per minute/);
  const rows = await world.query<{ count: string }>(
    "SELECT count(*) FROM inbound_events WHERE from_address LIKE 'limit%'",
  );
  assert.equal(Number(rows[0]!.count), accepted);
});

test('provider and webhook routes are rate-limited per client address before any signature check', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 8; index += 1) {
    const path = index % 2 === 0 ? '/api/v1/webhooks/helpdesk' : '/api/v1/inbound/postmark';
    const response = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) > 0);
  }
  // Unconfigured here, so the ones let through are 404; a slow machine may earn one refill (12 s).
  const passed = statuses.filter((status) => status === 404).length;
  assert.ok(passed === 5 || passed === 6, statuses.join(','));
  assert.equal(statuses.filter((status) => status === 429).length, 8 - passed, statuses.join(','));
});
