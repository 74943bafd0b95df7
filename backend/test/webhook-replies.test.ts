import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueuePageSchema } from '@handoff/contracts';
import { DeliveryService } from '../src/delivery/delivery.service';
import type { RunningService } from '../src/bootstrap';
import { ApiClient } from './support/api-client';
import { CallbackReceiver } from './support/callback-receiver';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { standardWebhookHeaders } from './fixtures/inbound/providers';
import { HELPDESK_REPLY_SECRET, HELPDESK_SECRETS } from './fixtures/inbound/settings';
import { eventually, useWorldWithSmtp } from './support/test-service';

// The local model answers order-status questions on its own and sends complaints to review.
const receiver = new CallbackReceiver(HELPDESK_REPLY_SECRET);
let api: ApiClient;
let service: RunningService & { url: string };
const { world, smtp } = useWorldWithSmtp(async () => {
  await receiver.start();
  service = await world.start({
    SMTP_URL: smtp.url,
    CALLBACK_TIMEOUT_MS: '2000',
    WEBHOOK_SOURCES: JSON.stringify({
      helpdesk: {
        secrets: HELPDESK_SECRETS,
        reply: { channel: 'callback', url: receiver.url, secret: HELPDESK_REPLY_SECRET },
      },
      quiet: { secrets: HELPDESK_SECRETS, reply: { channel: 'none' } },
    }),
  });
  api = new ApiClient(service.url);
});
after(() => receiver.stop());

/** Posts a signed ticket whose data is `email`; returns the run id and the webhook-id it was sent with. */
async function postTicket(email: Record<string, unknown>, source = 'helpdesk', webhookId = `msg_${randomUUID()}`) {
  const body = JSON.stringify({ type: 'ticket.created', data: email });
  const accepted = await api.post(
    `/api/v1/webhooks/${source}`,
    body,
    standardWebhookHeaders(HELPDESK_SECRETS[0]!, body, webhookId),
  );
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  return { runId: accepted.body.runId as string, eventId: accepted.body.eventId as string, webhookId, body };
}

const outboundOf = async (runId: string) =>
  (
    await world.query<{ id: string; channel: string; status: string; attempts: number; last_error: string | null }>(
      'SELECT id, channel, status, attempts, last_error FROM outbound_messages WHERE run_id = $1',
      [runId],
    )
  )[0];

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));

describe('answers to webhook events go back to the source', () => {
  test('webhook in → review → approve: exactly one signed callback with the answer; no email', async () => {
    const ticket = await postTicket(complaintEmail({ from: { address: 'reviewed@helpdesk.example' } }));
    const run = await api.waitForRun(ticket.runId, ['awaiting_review']);
    const review = (await api.get(`/api/v1/reviews/${run.reviewId}`)).body;
    const decided = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    await api.waitForRun(ticket.runId, ['sent']);

    const [callback, ...more] = receiver.callbacksFor(ticket.webhookId);
    assert.ok(callback, 'one callback arrived');
    assert.equal(more.length, 0);
    assert.ok(callback.verified, 'the signature verifies with the reply secret');
    assert.equal(callback.headers['webhook-id'], `msg_reply_${ticket.runId}`);
    assert.equal(callback.headers['content-type'], 'application/json');
    assert.equal(callback.payload!.type, 'reply.approved');
    const { decidedAt, ...data } = callback.payload!.data;
    assert.deepEqual(data, {
      runId: ticket.runId,
      eventId: ticket.eventId,
      source: 'helpdesk',
      webhookId: ticket.webhookId,
      text: review.request.draft,
      approvedBy: 'api-key:admin',
    });
    assert.ok(Math.abs(Date.parse(decidedAt!) - Date.parse(decided.body.decidedAt)) < 60_000, decidedAt);
    const outbound = await outboundOf(ticket.runId);
    assert.deepEqual([outbound!.channel, outbound!.status, outbound!.attempts], ['callback', 'sent', 1]);
    assert.equal(mailsTo('reviewed@helpdesk.example').length, 0, 'the synthetic sender is never emailed');
  });

  test('a review opened from a webhook has channel webhook, one from email has channel email; both filter and count', async () => {
    const ticket = await postTicket(complaintEmail({ from: { address: 'channel@helpdesk.example' } }));
    const hook = await api.waitForRun(ticket.runId, ['awaiting_review']);
    const mailed = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'channel@mail.example' } }),
    );
    assert.equal(mailed.status, 202);
    const mail = await api.waitForRun(mailed.body.runId, ['awaiting_review']);

    const all = QueuePageSchema.parse((await api.get('/api/v1/reviews?limit=200')).body);
    const channelOf = (id: string) => all.items.find((item) => item.id === id)?.channel;
    assert.equal(channelOf(hook.reviewId), 'webhook');
    assert.equal(channelOf(mail.reviewId), 'email');

    const webhooks = QueuePageSchema.parse((await api.get('/api/v1/reviews?channel=webhook&limit=200')).body);
    assert.ok(webhooks.items.some((item) => item.id === hook.reviewId));
    assert.ok(webhooks.items.every((item) => item.channel === 'webhook'));
    // Counts per channel leave the channel filter out; the total is the chosen channel's count.
    const pending = all.counts.total;
    assert.equal(webhooks.counts.total, webhooks.items.length);
    assert.equal(webhooks.counts.byChannel['webhook'], webhooks.items.length);
    assert.equal(webhooks.counts.byChannel['email'], pending - webhooks.items.length);
    assert.deepEqual(webhooks.counts.byChannel, all.counts.byChannel);
    assert.equal(webhooks.counts.byAssignee['unassigned'], webhooks.items.length);
  });

  test('an answer sent without review is posted back too, approved by "auto"', async () => {
    const ticket = await postTicket(orderStatusEmail({ from: { address: 'auto@helpdesk.example' } }));
    await api.waitForRun(ticket.runId, ['sent']);
    const callbacks = receiver.callbacksFor(ticket.webhookId);
    assert.equal(callbacks.length, 1);
    assert.ok(callbacks[0]!.verified);
    assert.equal(callbacks[0]!.payload!.data['approvedBy'], 'auto');
    assert.match(callbacks[0]!.payload!.data['text']!, /\S/);
    assert.equal(mailsTo('auto@helpdesk.example').length, 0);
  });

  test('a receiver answering 500 is retried with backoff: delivered once, same webhook-id on both attempts', async () => {
    const ticket = await scriptedTicket(orderStatusEmail(), 500);
    const callbacks = receiver.callbacksFor(ticket.webhookId);
    assert.deepEqual(
      callbacks.map((callback) => callback.answered),
      [500, 200],
    );
    assert.equal(new Set(callbacks.map((callback) => callback.headers['webhook-id'])).size, 1);
    assert.ok(callbacks.every((callback) => callback.verified));
    const outbound = await outboundOf(ticket.runId);
    assert.deepEqual([outbound!.status, outbound!.attempts], ['sent', 2]);
  });

  test('a receiver that hangs up mid-request is retried', async () => {
    const ticket = await scriptedTicket(orderStatusEmail(), 'hang-up');
    assert.deepEqual(
      receiver.callbacksFor(ticket.webhookId).map((callback) => callback.answered),
      ['hang-up', 200],
    );
    assert.equal((await outboundOf(ticket.runId))!.status, 'sent');
  });

  test('a receiver answering 400 fails the run with the reason and is not retried', async () => {
    const webhookId = `msg_${randomUUID()}`;
    receiver.script(webhookId, 400);
    const ticket = await postTicket(orderStatusEmail(), 'helpdesk', webhookId);
    const run = await api.waitForRun(ticket.runId, ['failed']);
    assert.equal(run.failedStep, 'delivery');
    assert.match(run.error, /answered 400/);
    const outbound = await outboundOf(ticket.runId);
    assert.deepEqual([outbound!.status, outbound!.attempts], ['failed', 1]);
    assert.match(outbound!.last_error!, /400/);
    await world.queuesDrained();
    assert.equal(receiver.callbacksFor(webhookId).length, 1, 'no retry after a permanent refusal');
  });

  test('duplicates never double-post: a repeated webhook and a repeated delivery job post nothing more', async () => {
    const ticket = await postTicket(orderStatusEmail());
    await api.waitForRun(ticket.runId, ['sent']);
    const again = await api.post(
      '/api/v1/webhooks/helpdesk',
      ticket.body,
      standardWebhookHeaders(HELPDESK_SECRETS[0]!, ticket.body, ticket.webhookId),
    );
    assert.equal(again.body.duplicate, true);
    const outbound = await outboundOf(ticket.runId);
    assert.equal(await service.app.get(DeliveryService).deliver(outbound!.id), 'skipped');
    await world.queuesDrained();
    assert.equal(receiver.callbacksFor(ticket.webhookId).length, 1);
  });

  test('reply channel "none": the run ends answered, with no reply row, no callback and no email', async () => {
    const ticket = await postTicket(orderStatusEmail({ from: { address: 'quiet@helpdesk.example' } }), 'quiet');
    const run = await api.waitForRun(ticket.runId, ['answered']);
    assert.equal(run.reply, null);
    assert.equal(await outboundOf(ticket.runId), undefined);
    assert.equal(receiver.callbacksFor(ticket.webhookId).length, 0);
    assert.equal(mailsTo('quiet@helpdesk.example').length, 0);
  });
});

/** A ticket whose first callback gets `firstAnswer`; resolves once the run's answer is delivered. */
async function scriptedTicket(email: Record<string, unknown>, firstAnswer: 500 | 'hang-up') {
  const webhookId = `msg_${randomUUID()}`;
  receiver.script(webhookId, firstAnswer);
  const ticket = await postTicket(email, 'helpdesk', webhookId);
  await api.waitForRun(ticket.runId, ['sent'], 30_000);
  await eventually(
    async () => (receiver.callbacksFor(webhookId).length >= 2 ? true : undefined),
    'the retried callback',
  );
  return ticket;
}
