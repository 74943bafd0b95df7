import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConflictBodySchema, DecisionOutcomeSchema, RunDetailsSchema } from '@handoff/contracts';
import { ApiClient } from './support/api-client';
import { complaintEmail, orderStatusEmail, rawEmail } from './support/emails';
import { eventually, useWorldWithSmtp } from './support/test-service';

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url })).url);
});

async function pendingReviewFor(runId: string) {
  const run = await api.waitForRun(runId, ['awaiting_review']);
  assert.ok(run.reviewId, 'an awaiting run has a review');
  const review = await api.get(`/api/v1/reviews/${run.reviewId}`);
  assert.equal(review.status, 200);
  return review.body;
}

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));

describe('one email in, one reply out (HTTP → BullMQ → LangGraph/Postgres → SMTP)', () => {
  test('a confident order-status question is answered on its own, correctly threaded', async () => {
    const email = orderStatusEmail({
      from: { address: 'auto.sender@customer.example', name: 'Ann Auto' },
      subject: 'RE: Re: Where is my order #48213?',
      references: '<older-1@customer.example> <older-2@customer.example>',
    });
    const accepted = await api.post('/api/v1/events/email', email);
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.status, 'queued');
    assert.equal(accepted.body.duplicate, false);

    const run = RunDetailsSchema.parse(await api.waitForRun(accepted.body.runId, ['sent']));
    assert.equal(run.classification?.category, 'order_status');
    assert.ok((run.confidence ?? 0) >= 0.8, `confidence ${run.confidence}`);
    assert.deepEqual(
      run.steps.map((step) => step.node),
      ['classify', 'follow_up', 'draft', 'score', 'route', 'send_request'],
    );
    for (const step of run.steps) assert.ok(step.durationMs >= 0);

    const [reply] = await smtp
      .waitFor(() => mailsTo('auto.sender@customer.example').length === 1)
      .then(() => mailsTo('auto.sender@customer.example'));
    assert.ok(reply);
    assert.equal(reply.subject, 'Re: Where is my order #48213?');
    assert.equal(reply.inReplyTo, email.messageId);
    assert.deepEqual(reply.references, ['<older-1@customer.example>', '<older-2@customer.example>', email.messageId]);
    assert.equal(reply.messageId, `<reply-${run.id}@handoff.test>`);
    assert.equal(reply.autoSubmitted, 'auto-replied');
    assert.match(reply.raw, /^To: auto\.sender@customer\.example\r?$/m);
    assert.match(reply.text, /48213/);
    assert.equal(run.reply?.messageId, reply.messageId);
  });

  test('a complaint waits for a person; approval sends exactly one reply and a second decision gets 409', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'approve@customer.example' } }),
    );
    assert.equal(accepted.status, 202);
    const review = await pendingReviewFor(accepted.body.runId);
    assert.equal(review.status, 'pending');
    assert.equal(review.request.classification.category, 'complaint');
    assert.ok(review.request.reasons.includes('always_review_category'));
    assert.ok(review.request.confidenceReasons.length > 0);
    assert.ok(review.request.draft.length > 20);
    assert.equal(review.message.from.address, 'approve@customer.example');

    const listed = await api.get('/api/v1/reviews?status=pending&limit=200');
    assert.ok(listed.body.items.some((item: { id: string }) => item.id === review.id));

    const decided = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    const outcome = DecisionOutcomeSchema.parse(decided.body);
    assert.equal(outcome.actor, 'api-key:admin');
    assert.deepEqual([outcome.reviewId, outcome.runId, outcome.action], [review.id, accepted.body.runId, 'approve']);
    const conflict = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'reject', reason: 'too late' });
    assert.equal(conflict.status, 409);
    const refusal = ConflictBodySchema.parse(conflict.body);
    assert.equal(refusal.decision?.action, 'approve');
    assert.equal(refusal.decision?.actor, 'api-key:admin');

    await api.waitForRun(accepted.body.runId, ['sent']);
    await smtp.waitFor(() => mailsTo('approve@customer.example').length >= 1);
    const replies = mailsTo('approve@customer.example');
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.text.trim(), review.request.draft.trim());
  });

  test('edit-and-approve sends the edited text and stores the diff', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'edit@customer.example' } }),
    );
    const review = await pendingReviewFor(accepted.body.runId);
    const edited = 'Dear Bob,\n\nI am sorry. A manager will call you today.\n\nSupport';
    const decided = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'edit', text: edited });
    assert.equal(decided.status, 200);
    await api.waitForRun(accepted.body.runId, ['sent']);
    const [reply] = await smtp
      .waitFor(() => mailsTo('edit@customer.example').length === 1)
      .then(() => mailsTo('edit@customer.example'));
    assert.equal(reply!.text.trim(), edited);
    const stored = (await api.get(`/api/v1/reviews/${review.id}`)).body;
    assert.equal(stored.decisions[0].action, 'edit');
    assert.match(stored.decisions[0].diff, /\+I am sorry\. A manager will call you today\./);
  });

  test('reject closes the run with its reason and sends nothing', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'reject@customer.example' } }),
    );
    const review = await pendingReviewFor(accepted.body.runId);
    const decided = await api.post(`/api/v1/reviews/${review.id}/decision`, {
      action: 'reject',
      reason: 'handled by phone',
    });
    assert.equal(decided.status, 200);
    const run = await api.waitForRun(accepted.body.runId, ['rejected']);
    assert.equal(run.reply, null);
    const stored = (await api.get(`/api/v1/reviews/${review.id}`)).body;
    assert.equal(stored.decisions[0].reason, 'handled by phone');
    await world.queuesDrained();
    assert.equal(mailsTo('reject@customer.example').length, 0);
  });

  test('redraft loops back to drafting with the feedback, at most three times', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'redraft@customer.example' } }),
    );
    let review = await pendingReviewFor(accepted.body.runId);
    const feedbacks = ['Please apologise first', 'Make it shorter', 'Offer a call back tomorrow'];
    for (const [index, feedback] of feedbacks.entries()) {
      const round = index + 1;
      const previousDraft = review.request.draft;
      const decided = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'redraft', feedback });
      assert.equal(decided.status, 200);
      const id = review.id;
      review = await eventuallyReview(id, round);
      assert.equal(review.id, id, 'the new draft comes back to the same review');
      assert.notEqual(review.request.draft, previousDraft, `round ${round} produced a new draft`);
      assert.equal(review.request.redraftsRemaining, 3 - round);
      assert.ok(review.request.reasons.includes('redraft_requested'));
    }
    assert.match(review.request.draft, /sorry|apolog/i, 'the understood feedback shaped the draft');
    const refused = await api.post(`/api/v1/reviews/${review.id}/decision`, {
      action: 'redraft',
      feedback: 'once more',
    });
    assert.equal(refused.status, 422);
    // The offline model cannot apply "call back" and says so in the draft: that note must never reach a customer.
    const unsafe = await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'approve' });
    assert.equal(unsafe.status, 422);
    assert.match(unsafe.body.message, /note for the reviewer/);
    const finalText = 'Dear Bob,\n\nWe are sorry. A manager will call you back tomorrow.\n\nSupport';
    assert.equal(
      (await api.post(`/api/v1/reviews/${review.id}/decision`, { action: 'edit', text: finalText })).status,
      200,
    );
    await api.waitForRun(accepted.body.runId, ['sent']);
    const steps = (await api.get(`/api/v1/runs/${accepted.body.runId}`)).body.steps.map(
      (step: { node: string }) => step.node,
    );
    assert.equal(steps.filter((node: string) => node === 'redraft').length, 3);
    const replies = mailsTo('redraft@customer.example');
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.text.trim(), finalText);
  });

  function eventuallyReview(id: string, round: number) {
    return eventually(async () => {
      const review = (await api.get(`/api/v1/reviews/${id}`)).body;
      return review.round === round && review.status === 'pending' ? review : undefined;
    }, `review ${id} to reach round ${round}`);
  }

  test('the same Message-ID or Idempotency-Key twice returns the same ids and starts nothing new', async () => {
    const email = orderStatusEmail({ from: { address: 'dupe@customer.example', name: 'Dee' } });
    const first = await api.post('/api/v1/events/email', email);
    const second = await api.post('/api/v1/events/email', email);
    assert.equal(second.status, 202);
    assert.equal(second.body.duplicate, true);
    assert.equal(second.body.eventId, first.body.eventId);
    assert.equal(second.body.runId, first.body.runId);

    const key = randomUUID();
    const keyed = orderStatusEmail({
      messageId: undefined,
      from: { address: 'dupe@customer.example' },
      subject: 'keyed',
    });
    const third = await api.post('/api/v1/events/email', keyed, { 'idempotency-key': key });
    const fourth = await api.post(
      '/api/v1/events/email',
      { ...keyed, subject: 'keyed, resent' },
      { 'idempotency-key': key },
    );
    assert.equal(fourth.body.duplicate, true);
    assert.equal(fourth.body.runId, third.body.runId);

    await api.waitForRun(first.body.runId, ['sent']);
    await api.waitForRun(third.body.runId, ['sent', 'awaiting_review']);
    const runs = await world.query<{ count: string }>(
      `SELECT count(*) FROM workflow_runs r JOIN inbound_events e ON e.id = r.event_id WHERE e.from_address = 'dupe@customer.example'`,
    );
    assert.equal(Number(runs[0]!.count), 2);
    await world.queuesDrained();
    assert.equal(mailsTo('dupe@customer.example').filter((mail) => mail.inReplyTo === email.messageId).length, 1);
  });

  test('auto-replies, bulk mail, bounces and our own messages are recorded as ignored and never answered', async () => {
    const cases: { label: string; send: () => Promise<{ status: number; body: any }> }[] = [
      {
        label: 'Auto-Submitted',
        send: () =>
          api.post(
            '/api/v1/events/email',
            orderStatusEmail({ from: 'loop1@customer.example', headers: { 'Auto-Submitted': 'auto-replied' } }),
          ),
      },
      {
        label: 'Precedence',
        send: () =>
          api.post(
            '/api/v1/events/email',
            orderStatusEmail({ from: 'loop2@customer.example', headers: { Precedence: 'bulk' } }),
          ),
      },
      {
        label: 'X-Autoreply',
        send: () =>
          api.post(
            '/api/v1/events/email',
            orderStatusEmail({ from: 'loop3@customer.example', headers: { 'X-Autoreply': 'yes' } }),
          ),
      },
      {
        label: 'own Message-ID',
        send: () =>
          api.post(
            '/api/v1/events/email',
            orderStatusEmail({ from: 'loop4@customer.example', messageId: `<reply-${randomUUID()}@handoff.test>` }),
          ),
      },
      {
        label: 'delivery status report',
        send: () =>
          api.post(
            '/api/v1/events/email',
            rawEmail(
              {
                From: 'MAILER-DAEMON@mx.customer.example',
                To: 'support@handoff.test',
                Subject: 'Undelivered Mail Returned to Sender',
                'Message-ID': `<${randomUUID()}@mx.customer.example>`,
                'MIME-Version': '1.0',
                'Content-Type': 'multipart/report; report-type=delivery-status; boundary="b1"',
              },
              '--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.customer.example\n\nFinal-Recipient: rfc822; gone@customer.example\nAction: failed\nStatus: 5.1.1\n--b1--',
            ),
            { 'content-type': 'message/rfc822' },
          ),
      },
    ];
    for (const { label, send } of cases) {
      const response = await send();
      assert.equal(response.status, 202, label);
      assert.equal(response.body.status, 'ignored', label);
      assert.ok(response.body.ignoredReason, label);
      const run = RunDetailsSchema.parse((await api.get(`/api/v1/runs/${response.body.runId}`)).body);
      assert.equal(run.status, 'ignored', label);
      assert.equal(run.message.ignoredReason, response.body.ignoredReason, label);
    }
    await world.queuesDrained();
    assert.equal(smtp.list().filter((mail) => /loop\d@|gone@|MAILER-DAEMON/i.test(mail.envelopeTo.join())).length, 0);
  });

  test('raw RFC 5322 (message/rfc822) is parsed with mailparser and answered in thread', async () => {
    const messageId = `<${randomUUID()}@customer.example>`;
    const raw = rawEmail(
      {
        From: '"Mia Raw" <mia@customer.example>',
        To: 'support@handoff.test',
        Subject: 'Where is my order #77120?',
        'Message-ID': messageId,
        References: '<thread-root@customer.example>',
        Date: new Date().toUTCString(),
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=utf-8',
      },
      'Hello, my order #77120 has not arrived yet. Where is my order? Could you check the delivery status?\nThanks, Mia',
    );
    const accepted = await api.post('/api/v1/events/email', raw, { 'content-type': 'message/rfc822' });
    assert.equal(accepted.status, 202);
    const run = await api.waitForRun(accepted.body.runId, ['sent', 'awaiting_review']);
    assert.equal(run.message.messageId, messageId);
    assert.equal(run.message.from, 'mia@customer.example');
  });

  test('bad input gets a clear 4xx and stores nothing', async () => {
    const countEvents = async () =>
      Number((await world.query<{ count: string }>('SELECT count(*) FROM inbound_events'))[0]!.count);
    const before = await countEvents();
    const anonymous = new ApiClient(api.baseUrl, null);
    const wrongKey = new ApiClient(api.baseUrl, 'wrong-key-wrong-key-wrong-key');

    const expectations: [string, Promise<{ status: number; body: any }>, number][] = [
      ['no key', anonymous.post('/api/v1/events/email', orderStatusEmail()), 401],
      ['wrong key', wrongKey.post('/api/v1/events/email', orderStatusEmail()), 401],
      ['malformed JSON', api.post('/api/v1/events/email', '{"from": ', { 'content-type': 'application/json' }), 400],
      ['missing from', api.post('/api/v1/events/email', { subject: 'x', text: 'y' }), 400],
      ['bad from', api.post('/api/v1/events/email', { from: 'not an address', text: 'y' }), 400],
      ['no body', api.post('/api/v1/events/email', { from: 'a@b.example' }), 400],
      [
        'CRLF in subject',
        api.post('/api/v1/events/email', { from: 'a@b.example', subject: 'hi\r\nBcc: x@y.example', text: 'y' }),
        400,
      ],
      [
        'MIME without From',
        api.post('/api/v1/events/email', 'Subject: hi\r\n\r\nbody\r\n', { 'content-type': 'message/rfc822' }),
        400,
      ],
      ['empty MIME', api.post('/api/v1/events/email', '', { 'content-type': 'message/rfc822' }), 400],
      ['wrong type', api.post('/api/v1/events/email', 'hello', { 'content-type': 'text/plain' }), 415],
      [
        'too large',
        api.post('/api/v1/events/email', { ...orderStatusEmail(), text: 'x'.repeat(11 * 1024 * 1024) }),
        413,
      ],
      [
        'bad idempotency key',
        api.post('/api/v1/events/email', orderStatusEmail(), { 'idempotency-key': 'spaces are not allowed' }),
        400,
      ],
      ['unknown run', api.get(`/api/v1/runs/${randomUUID()}`), 404],
      ['bad run id', api.get('/api/v1/runs/not-a-uuid'), 400],
      ['bad decision', api.post(`/api/v1/reviews/${randomUUID()}/decision`, { action: 'ship-it' }), 400],
      ['edit without text', api.post(`/api/v1/reviews/${randomUUID()}/decision`, { action: 'edit' }), 400],
      ['unknown review', api.post(`/api/v1/reviews/${randomUUID()}/decision`, { action: 'approve' }), 404],
      ['bad cursor', api.get('/api/v1/reviews?cursor=garbage'), 422],
    ];
    for (const [label, pending, status] of expectations) {
      const response = await pending;
      assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
      assert.ok(!JSON.stringify(response.body).includes('    at '), `${label} leaks a stack trace`);
      assert.ok(typeof response.body.message === 'string' || Array.isArray(response.body.message), `${label} says why`);
    }
    assert.equal(await countEvents(), before);
  });

  test('health, OpenAPI and the authentication boundary', async () => {
    const anonymous = new ApiClient(api.baseUrl, null);
    assert.equal((await anonymous.get('/health/live')).status, 200);
    const ready = await anonymous.get('/health/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { postgres: 'up', redis: 'up' });
    const openapi = await anonymous.get('/api/openapi.json');
    assert.equal(openapi.status, 200);
    assert.ok(openapi.body.paths['/api/v1/events/email']);
    assert.ok(openapi.body.paths['/api/v1/reviews/{id}/decision']);
    for (const path of ['/api/v1/reviews', `/api/v1/runs/${randomUUID()}`, '/api/v1/dev/mail']) {
      assert.equal((await anonymous.get(path)).status, 401, path);
    }
  });
});
