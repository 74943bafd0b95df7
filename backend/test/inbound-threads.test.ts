import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RunningService } from '../src/bootstrap';
import { RUN_INPUTS, type RunInputs } from '../src/workflow/ports';
import { ApiClient } from './support/api-client';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';

let api: ApiClient;
let service: RunningService;
const { world, smtp } = useWorldWithSmtp(async () => {
  service = await world.start({ SMTP_URL: smtp.url });
  api = new ApiClient(service.url!);
});

/** The thread of the message the runner hands the graph (by reference: it is not in the checkpoints). */
async function threadOf(eventId: string) {
  return (await service.app.get<RunInputs>(RUN_INPUTS).messageFor(eventId)).thread;
}

test('a reply to a message we sent carries the conversation into the graph', async () => {
  const first = orderStatusEmail({ from: { address: 'thread@customer.example', name: 'Tia' } });
  const accepted = await api.post('/api/v1/events/email', first);
  const firstRun = await api.waitForRun(accepted.body.runId, ['sent']);
  assert.deepEqual(await threadOf(accepted.body.eventId), [], 'mail that does not reply to us has no thread');

  const ourReply = firstRun.reply.messageId as string;
  const followUp = complaintEmail({
    messageId: `<${randomUUID()}@customer.example>`,
    from: { address: 'thread@customer.example', name: 'Tia' },
    subject: 'Re: Where is my order #48213?',
    inReplyTo: ourReply,
    references: [first.messageId, ourReply],
  });
  const second = await api.post('/api/v1/events/email', followUp);
  await api.waitForRun(second.body.runId, ['awaiting_review', 'sent']);
  const thread = await threadOf(second.body.eventId);
  assert.deepEqual(
    thread.map((entry) => [entry.direction, entry.from]),
    [
      ['inbound', 'thread@customer.example'],
      ['outbound', 'support@handoff.test'],
    ],
  );
  assert.equal(thread[0]!.text, first.text);
  assert.match(thread[1]!.text, /48213/);
});
