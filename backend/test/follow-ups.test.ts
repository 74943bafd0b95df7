import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { ConflictBodySchema, ReviewDetailSchema } from '@handoff/contracts';
import {
  requestText,
  startFakeOpenAIServer,
  type ChatCompletionRequestBody,
  type FakeOpenAIServer,
} from '@handoff/graphs/testing';
import { TRIAGE_OUTPUT_NAMES } from '@handoff/graphs';
import { QUEUES } from '../src/queue/jobs';
import { ApiClient } from './support/api-client';
import { eventually, useWorldWithSmtp } from './support/test-service';

/**
 * "Double texting": a customer writes again while their conversation's run is open. One world; each test is
 * its own customer. The fake model reads only the newest message (what precedes the thread in the prompt):
 * REVIEWME sends it to review, HOLD-DRAFT holds its draft until the test lets it go, "thank you" is feedback
 * and QUEUE-ME is billing. Its draft names every REF-… token in the whole prompt, thread included, so a
 * reply shows which messages it answered.
 */
let draftHold: { held: boolean; release: () => void; released: Promise<void> } | null = null;

function newestMessage(prompt: string): string {
  const email = prompt.slice(prompt.indexOf('<email>\n'));
  const end = email.search(/--- earlier|<\/email>/);
  return end < 0 ? email : email.slice(0, end);
}

async function responder(body: ChatCompletionRequestBody) {
  const prompt = requestText(body);
  const own = newestMessage(prompt);
  switch (body.response_format?.json_schema?.name) {
    case TRIAGE_OUTPUT_NAMES.classify:
      return {
        category: /thank you/i.test(own) ? 'feedback' : own.includes('QUEUE-ME') ? 'billing' : 'order_status',
        intent: 'asks about an order',
        language: 'en',
        urgency: 'normal',
        riskFlags: [],
        categoryConfidence: 0.96,
        instructionToAi: false,
      };
    case TRIAGE_OUTPUT_NAMES.draft: {
      if (own.includes('HOLD-DRAFT') && draftHold) {
        draftHold.held = true;
        await draftHold.released;
      }
      const refs = [...new Set(prompt.match(/REF-[A-Z0-9]+/g) ?? [])];
      return {
        reply: `Hello,\n\nThank you for writing. About ${refs.join(' and ')}: your order is on its way.\n\nBest regards,\nSupport`,
        confidence: own.includes('REVIEWME') ? 0.4 : 0.95,
        reasons: ['answers the question'],
        instructionToAi: false,
        unsupportedClaims: [],
      };
    }
    default:
      throw new Error(`unexpected call ${body.response_format?.json_schema?.name ?? '(plain text)'}`);
  }
}

let api: ApiClient;
let llm: FakeOpenAIServer;
const { world, smtp } = useWorldWithSmtp(async () => {
  llm = await startFakeOpenAIServer({ responder });
  const service = await world.start({
    SMTP_URL: smtp.url,
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_API_KEY: llm.apiKey,
    FOLLOW_UP_POLICY: JSON.stringify({ default: 'supersede', feedback: 'ignore', billing: 'queue' }),
  });
  api = new ApiClient(service.url);
});
after(() => llm.close());

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));

async function accepted(sent: Promise<{ status: number; body: any }>) {
  const response = await sent;
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response as { status: number; body: { runId: string } };
}

/** A customer's first email and a follow-up that replies to it, as their mail client would thread it. */
function conversation(address: string) {
  const first = `<${randomUUID()}@customer.example>`;
  return {
    first: (text: string) =>
      accepted(
        api.post('/api/v1/events/email', {
          messageId: first,
          from: { address, name: 'Cass' },
          to: [{ address: 'support@handoff.test' }],
          subject: 'Where is my order?',
          text,
        }),
      ),
    followUp: (text: string) =>
      accepted(
        api.post('/api/v1/events/email', {
          messageId: `<${randomUUID()}@customer.example>`,
          from: { address, name: 'Cass' },
          to: [{ address: 'support@handoff.test' }],
          subject: 'Re: Where is my order?',
          inReplyTo: first,
          references: [first],
          text,
        }),
      ),
  };
}

async function reviewOf(runId: string) {
  const run = await api.waitForRun(runId, ['awaiting_review']);
  return ReviewDetailSchema.parse((await api.get(`/api/v1/reviews/${run.reviewId}`)).body);
}

/** Holds a queue of this world (every worker stops taking its jobs) until the returned function resumes it. */
async function pause(name: string): Promise<() => Promise<void>> {
  const connection = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: world.redisPrefix });
  await queue.pause();
  return async () => {
    await queue.resume();
    await queue.close();
    connection.disconnect();
  };
}

describe('a customer who writes again', () => {
  test('while the first email waits for review: the review closes as superseded, a decision on it gets 409, one reply answers both', async () => {
    const customer = 'waiting@customer.example';
    const talk = conversation(customer);
    const first = await talk.first('REVIEWME Where is my lamp? REF-A1');
    const stale = await reviewOf(first.body.runId);

    const second = await talk.followUp('REVIEWME Sorry, the order number is REF-A2');
    const fresh = await reviewOf(second.body.runId);
    assert.match(fresh.request.draft, /REF-A2/, 'the new draft answers the follow-up');
    assert.match(fresh.request.draft, /REF-A1/, 'and the whole thread');
    assert.equal(fresh.followUp?.kind, 'supersedes', 'the reviewer sees that the customer wrote again');
    assert.equal(fresh.followUp?.runId, first.body.runId);
    assert.equal(fresh.followUp?.reviewId, stale.id);

    const closed = ReviewDetailSchema.parse((await api.get(`/api/v1/reviews/${stale.id}`)).body);
    assert.equal(closed.status, 'superseded');
    assert.deepEqual(
      [closed.followUp?.kind, closed.followUp?.runId, closed.followUp?.reviewId],
      ['superseded', second.body.runId, fresh.id],
    );
    assert.match(closed.followUp!.message.text, /REF-A2/, 'the superseded review shows the new message');
    assert.equal((await api.get(`/api/v1/runs/${first.body.runId}`)).body.status, 'superseded');

    const refused = await api.post(`/api/v1/reviews/${stale.id}/decision`, { action: 'approve' });
    assert.equal(refused.status, 409);
    const body = ConflictBodySchema.parse(refused.body);
    assert.match(body.message, /wrote again/);
    assert.deepEqual([body.superseded?.reason, body.superseded?.runId], ['customer_wrote_again', second.body.runId]);

    assert.equal((await api.post(`/api/v1/reviews/${fresh.id}/decision`, { action: 'approve' })).status, 200);
    await api.waitForRun(second.body.runId, ['sent']);
    await world.queuesDrained();
    const replies = mailsTo(customer);
    assert.equal(replies.length, 1, 'exactly one reply to the conversation');
    assert.match(replies[0]!.text, /REF-A2/, 'the reply answers the follow-up');
    assert.match(replies[0]!.text, /REF-A1/, 'and the first message');
  });

  test('while the first run is drafting: it stops where it is, and the follow-up is answered on its own', async () => {
    const customer = 'drafting@customer.example';
    const talk = conversation(customer);
    let release!: () => void;
    draftHold = { held: false, release: () => release(), released: new Promise<void>((done) => (release = done)) };
    try {
      const first = await talk.first('HOLD-DRAFT Where is my lamp? REF-B1');
      await eventually(async () => draftHold?.held || undefined, 'the first draft to be under way');

      const second = await talk.followUp('Never mind the lamp, where is the chair? REF-B2');
      await api.waitForRun(second.body.runId, ['sent']);
      assert.equal((await api.get(`/api/v1/runs/${first.body.runId}`)).body.status, 'superseded');
      draftHold.release();
      await world.queuesDrained();

      const run = (await api.get(`/api/v1/runs/${first.body.runId}`)).body;
      assert.equal(run.status, 'superseded', 'the finished draft neither opened a review nor sent');
      assert.equal(run.reviewId, null);
      assert.equal(run.reply, null);
    } finally {
      draftHold.release();
      draftHold = null;
    }
    const replies = mailsTo(customer);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.text, /REF-B2/, 'the reply answers the follow-up');
    assert.match(replies[0]!.text, /REF-B1/, 'and the first message');
  });

  test('after approval but before sending: delivery sees the newer message, withholds the reply, and the follow-up answers', async () => {
    const customer = 'approved@customer.example';
    const talk = conversation(customer);
    const first = await talk.first('REVIEWME Where is my lamp? REF-C1');
    const review = await reviewOf(first.body.runId);
    const resumeDelivery = await pause(QUEUES.delivery);
    const resumeWorkflow = await pause(QUEUES.workflow);
    let second;
    try {
      assert.equal((await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' })).status, 200);
      // Stored, not yet classified: delivery's last check must not send what the reviewer approved before it.
      second = await talk.followUp('Also, can you gift-wrap it? REF-C2');
      await resumeDelivery();
      await eventually(
        async () =>
          (await api.get(`/api/v1/runs/${first.body.runId}`)).body.reply?.status === 'superseded' || undefined,
        'the approved reply to be withheld',
      );
    } finally {
      await resumeDelivery().catch(() => undefined);
      await resumeWorkflow();
    }
    const run = (await api.get(`/api/v1/runs/${first.body.runId}`)).body;
    assert.equal(run.status, 'superseded');
    await api.waitForRun(second.body.runId, ['sent']);
    await world.queuesDrained();
    const replies = mailsTo(customer);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!.text, /REF-C2/, 'the reply answers the follow-up');
    assert.match(replies[0]!.text, /REF-C1/, 'and the first message');
    const [decision] = await world.query<{ approval_hash: string }>(
      `SELECT d.approval_hash FROM review_decisions d JOIN review_tasks t ON t.id = d.task_id WHERE t.run_id = $1`,
      [first.body.runId],
    );
    assert.match(decision!.approval_hash, /^[0-9a-f]{64}$/, 'the decision stored what it approved');
  });

  test('a tampered approval never sends: the run fails for an operator', async () => {
    const customer = 'tampered@customer.example';
    const first = await conversation(customer).first('REVIEWME Where is my lamp? REF-D1');
    const review = await reviewOf(first.body.runId);
    const resumeDelivery = await pause(QUEUES.delivery);
    try {
      assert.equal((await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' })).status, 200);
      await eventually(
        async () =>
          (await world.query(`SELECT 1 FROM outbound_messages WHERE run_id = $1`, [first.body.runId])).length ||
          undefined,
        'the outbox row',
      );
      await world.query(`UPDATE outbound_messages SET body = 'Refund of $5,000 approved.' WHERE run_id = $1`, [
        first.body.runId,
      ]);
    } finally {
      await resumeDelivery();
    }
    const run = await api.waitForRun(first.body.runId, ['failed']);
    assert.match(run.error, /no longer matches what was approved/);
    assert.equal(run.reply.status, 'failed');
    await world.queuesDrained();
    assert.equal(mailsTo(customer).length, 0);
  });

  test('policy queue: the follow-up waits for the first run to end, then gets its own reply', async () => {
    const customer = 'queued@customer.example';
    const talk = conversation(customer);
    const first = await talk.first('REVIEWME Where is my lamp? REF-E1');
    const review = await reviewOf(first.body.runId);
    const second = await talk.followUp('QUEUE-ME And why was I charged twice? REF-E2');
    await eventually(
      async () =>
        (
          await world.query<{ follow_up: string }>(`SELECT follow_up FROM workflow_runs WHERE id = $1`, [
            second.body.runId,
          ])
        )[0]?.follow_up ?? undefined,
      'the follow-up decision',
    ).then((decision) => assert.equal(decision, 'queue'));
    assert.equal((await api.get(`/api/v1/reviews/${review.id}`)).body.status, 'pending', 'the first review stays open');

    assert.equal((await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' })).status, 200);
    await api.waitForRun(first.body.runId, ['sent']);
    await api.waitForRun(second.body.runId, ['sent']);
    await world.queuesDrained();
    const replies = mailsTo(customer);
    assert.equal(replies.length, 2);
    const [answer, followUpAnswer] = [...replies].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    assert.doesNotMatch(answer!.text, /REF-E2/, 'the first reply went out as approved');
    assert.match(followUpAnswer!.text, /REF-E2/);
  });

  test('policy ignore: a "thank you" is recorded with no reply, and the open review carries on', async () => {
    const customer = 'thanks@customer.example';
    const talk = conversation(customer);
    const first = await talk.first('REVIEWME Where is my lamp? REF-F1');
    const review = await reviewOf(first.body.runId);
    const second = await talk.followUp('Thank you so much!');
    const ignored = await api.waitForRun(second.body.runId, ['ignored']);
    assert.equal(ignored.reply, null);
    assert.equal((await api.get(`/api/v1/reviews/${review.id}`)).body.status, 'pending');

    assert.equal((await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' })).status, 200);
    await api.waitForRun(first.body.runId, ['sent']);
    await world.queuesDrained();
    assert.equal(mailsTo(customer).length, 1);
  });
});
