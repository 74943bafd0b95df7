import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';

const { world, smtp } = useWorldWithSmtp();

/** A port on loopback where nothing answers: Redis "down" for the API. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('an event accepted while Redis is unreachable is stored, then picked up by the sweeper and answered', async () => {
  const apiOnly = await world.start({ APP_ROLE: 'api', REDIS_URL: `redis://127.0.0.1:${await deadPort()}` });
  const accepted = await new ApiClient(apiOnly.url).post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'blip@customer.example', name: 'Bea' } }),
  );
  assert.equal(accepted.status, 202);
  const [stored] = await world.query<{ status: string; enqueued_at: Date | null }>(
    'SELECT status, enqueued_at FROM workflow_runs WHERE id = $1',
    [accepted.body.runId],
  );
  assert.equal(stored!.status, 'queued');
  assert.equal(stored!.enqueued_at, null, 'the enqueue failed, so the row says so');
  await world.stop(apiOnly);

  const service = await world.start({ SMTP_URL: smtp.url });
  const run = await new ApiClient(service.url).waitForRun(accepted.body.runId, ['sent'], 30_000);
  assert.equal(run.status, 'sent');
  assert.equal(smtp.list().filter((mail) => mail.envelopeTo.includes('blip@customer.example')).length, 1);
});
