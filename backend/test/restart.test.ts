import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';

const { world, smtp } = useWorldWithSmtp();

test('a run waiting for review survives a full restart and sends exactly one reply after approval', async () => {
  const first = await world.start({ SMTP_URL: smtp.url });
  const api = new ApiClient(first.url);
  const accepted = await api.post(
    '/api/v1/events/email',
    complaintEmail({ from: { address: 'restart@customer.example' } }),
  );
  const waiting = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
  const checkpoints = await world.query<{ count: string }>(
    'SELECT count(*) FROM langgraph.checkpoints WHERE thread_id = $1',
    [waiting.id],
  );
  assert.ok(Number(checkpoints[0]!.count) > 0, 'the paused run is checkpointed in Postgres');
  await world.stop(first);

  const second = await world.start({ SMTP_URL: smtp.url });
  const api2 = new ApiClient(second.url);
  const review = (await api2.get(`/api/v1/reviews/${waiting.reviewId}`)).body;
  assert.equal(review.status, 'pending');
  assert.equal((await api2.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' })).status, 200);
  const run = await api2.waitForRun(waiting.id, ['sent']);
  assert.deepEqual(
    run.steps.map((step: { node: string }) => step.node),
    ['classify', 'follow_up', 'draft', 'score', 'route', 'review', 'send_request'],
    'the resumed run continues from its checkpoint instead of starting over',
  );
  await smtp.waitFor((mails) => mails.some((mail) => mail.envelopeTo.includes('restart@customer.example')));
  await world.queuesDrained();
  assert.equal(smtp.list().filter((mail) => mail.envelopeTo.includes('restart@customer.example')).length, 1);
});
