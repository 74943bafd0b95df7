import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url })).url);
});

const outboundOf = async (runId: string) =>
  (
    await world.query<{ status: string; attempts: number; last_error: string | null }>(
      'SELECT status, attempts, last_error FROM outbound_messages WHERE run_id = $1',
      [runId],
    )
  )[0];

test('a temporary SMTP refusal (4xx) is retried with backoff and the reply goes out once', async () => {
  smtp.refuseNext(2, 451, 'greylisted, try again later');
  const accepted = await api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'greylisted@customer.example', name: 'Gia' } }),
  );
  const run = await api.waitForRun(accepted.body.runId, ['sent'], 30_000);
  const outbound = await outboundOf(run.id);
  assert.equal(outbound!.status, 'sent');
  assert.equal(outbound!.attempts, 3);
  assert.equal(smtp.list().filter((mail) => mail.envelopeTo.includes('greylisted@customer.example')).length, 1);
});

test('a permanent SMTP refusal (5xx) fails the run at once with the server reason and is not retried', async () => {
  smtp.refuseNext(1, 550, 'mailbox unavailable');
  const accepted = await api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'gone@customer.example', name: 'Gus' } }),
  );
  const run = await api.waitForRun(accepted.body.runId, ['failed']);
  assert.equal(run.failedStep, 'delivery');
  assert.match(run.error, /550/);
  const outbound = await outboundOf(run.id);
  assert.equal(outbound!.status, 'failed');
  assert.equal(outbound!.attempts, 1);
  await world.queuesDrained();
  assert.equal((await outboundOf(run.id))!.attempts, 1, 'no retry after a permanent refusal');
  assert.equal(smtp.list().filter((mail) => mail.envelopeTo.includes('gone@customer.example')).length, 0);
});
