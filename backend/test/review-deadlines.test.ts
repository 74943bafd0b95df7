import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointRetentionService } from '../src/workflow/checkpoint-retention.service';
import { ReviewDeadlinesService } from '../src/reviews/review-deadlines.service';
import type { RunningService } from '../src/bootstrap';
import { standardWebhookHeaders } from './fixtures/inbound/providers';
import { HELPDESK_REPLY_SECRET, HELPDESK_SECRETS } from './fixtures/inbound/settings';
import { ApiClient } from './support/api-client';
import { CallbackReceiver } from './support/callback-receiver';
import { sweepDeadlines } from './support/deadlines';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { EventStreamReader } from './support/sse';
import { TestClock } from './support/test-clock';
import { eventually, TEST_ADMIN, useWorldWithSmtp } from './support/test-service';

const DUE_MINUTES = 60;
const REMIND_BEFORE = 15;
const HOLDING_TEXT = 'We have your message and a person will answer it shortly.';

const clock = new TestClock();
// Webhook events answer on their source's channel: a signed callback to this receiver, never by email.
const receiver = new CallbackReceiver(HELPDESK_REPLY_SECRET);
let service: (RunningService & { url: string }) | undefined;
let api: ApiClient;
let stream: EventStreamReader;

const { world, smtp } = useWorldWithSmtp(async () => {
  await receiver.start();
  await startWith('escalate');
});

async function stopService(): Promise<void> {
  await stream?.close();
  if (service) await world.stop(service);
  service = undefined;
}

/** (Re)starts the service; the deadline action applies to reviews opened from now on. */
async function startWith(action: 'escalate' | 'holding_reply' | 'close'): Promise<RunningService> {
  await stopService();
  const started = await world.start(
    {
      SMTP_URL: smtp.url,
      REVIEW_DUE_MINUTES: String(DUE_MINUTES),
      REVIEW_REMINDER_MINUTES_BEFORE: String(REMIND_BEFORE),
      REVIEW_DEADLINE_ACTION: action,
      REVIEW_HOLDING_REPLY: HOLDING_TEXT,
      SWEEP_INTERVAL_MS: '200',
      WEBHOOK_SOURCES: JSON.stringify({
        helpdesk: {
          secrets: HELPDESK_SECRETS,
          reply: { channel: 'callback', url: receiver.url, secret: HELPDESK_REPLY_SECRET },
        },
      }),
    },
    { clock },
  );
  service = started;
  api = new ApiClient(started.url);
  const reviewer = await ApiClient.signIn(started.url, TEST_ADMIN.email, TEST_ADMIN.password);
  stream = new EventStreamReader(`${started.url}/api/v1/reviews/stream`, { cookie: reviewer.defaultHeaders.cookie! });
  assert.equal(await stream.open(), 200);
  return started;
}

after(async () => {
  await stream?.close();
  await receiver.stop();
});

interface TaskRow {
  status: string;
  remind_at: Date | null;
  reminded_at: Date | null;
  deadline_action: string;
  deadline_action_taken_at: Date | null;
  escalated_at: Date | null;
}

const task = async (reviewId: string) =>
  (await world.query<TaskRow>('SELECT * FROM review_tasks WHERE id = $1', [reviewId]))[0]!;

const auditCount = async (reviewId: string, action: string) =>
  (
    await world.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = $2`, [
      reviewId,
      action,
    ])
  )[0]!.n;

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));
/** What the next periodic sweeps would do: they must fire nothing more. */
const sweepAgain = () => sweepDeadlines(world, service!);

async function openReview(address: string): Promise<{ runId: string; reviewId: string }> {
  const accepted = await api.post('/api/v1/events/email', complaintEmail({ from: { address } }));
  assert.equal(accepted.status, 202);
  const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
  return { runId: run.id, reviewId: run.reviewId };
}

describe('review deadlines (controllable clock)', () => {
  test('the reminder fires once at its threshold; at the deadline `escalate` flags the review for the admin queue', async () => {
    const { reviewId } = await openReview('escalate@customer.example');
    const opened = await task(reviewId);
    assert.equal(opened.deadline_action, 'escalate');
    assert.equal(opened.reminded_at, null);

    clock.advanceMinutes(DUE_MINUTES - REMIND_BEFORE - 1);
    await sweepAgain(); // not yet
    assert.equal((await task(reviewId)).reminded_at, null, 'no reminder before its threshold');

    clock.advanceMinutes(2);
    await eventually(async () => (await task(reviewId)).reminded_at ?? undefined, 'the reminder');
    const reminder = await stream.waitFor((e) => e.type === 'review.reminder' && e.data.reviewId === reviewId);
    assert.ok(reminder.data.at);
    await sweepAgain();
    assert.equal(await auditCount(reviewId, 'review.reminder'), 1, 'the reminder fires once');
    assert.equal((await task(reviewId)).escalated_at, null);

    clock.advanceMinutes(REMIND_BEFORE);
    await eventually(async () => (await task(reviewId)).escalated_at ?? undefined, 'the escalation');
    const overdue = await stream.waitFor((e) => e.type === 'review.overdue' && e.data.reviewId === reviewId);
    assert.equal(overdue.data.deadlineAction, 'escalate');
    const escalated = await task(reviewId);
    assert.equal(escalated.status, 'pending', 'an escalated review stays pending');
    assert.ok(escalated.deadline_action_taken_at);

    const adminQueue = await api.get('/api/v1/reviews?escalated=true&limit=200');
    assert.equal(adminQueue.status, 200);
    const item = adminQueue.body.items.find((candidate: { id: string }) => candidate.id === reviewId);
    assert.ok(item?.escalatedAt, 'the admin queue lists it with escalatedAt');
    const others = await api.get('/api/v1/reviews?escalated=false&limit=200');
    assert.ok(!others.body.items.some((candidate: { id: string }) => candidate.id === reviewId));

    await sweepAgain();
    assert.equal(await auditCount(reviewId, 'review.deadline.escalate'), 1, 'the deadline action is taken once');
    // An escalated review is still decided the usual way.
    const decided = await api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    await smtp.waitFor(() => mailsTo('escalate@customer.example').length === 1);
  });

  test('`holding_reply` sends the holding reply once through the outbox; the review stays open for the real one', async () => {
    await startWith('holding_reply');
    const address = 'holding@customer.example';
    const { runId, reviewId } = await openReview(address);

    clock.advanceMinutes(DUE_MINUTES + 1);
    const [holding] = await smtp.waitFor(() => mailsTo(address).length === 1).then(() => mailsTo(address));
    assert.equal(holding!.messageId, `<reply-holding-${runId}@handoff.test>`);
    assert.match(holding!.text, /a person will answer it shortly/);
    const overdue = await stream.waitFor((e) => e.type === 'review.overdue' && e.data.reviewId === reviewId);
    assert.equal(overdue.data.deadlineAction, 'holding_reply');
    assert.equal((await task(reviewId)).status, 'pending');
    assert.equal((await api.get(`/api/v1/runs/${runId}`)).body.status, 'awaiting_review');

    await sweepAgain();
    assert.equal(mailsTo(address).length, 1, 'the holding reply goes out once');
    const decided = await api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    await api.waitForRun(runId, ['sent']);
    const mails = await smtp.waitFor(() => mailsTo(address).length === 2).then(() => mailsTo(address));
    assert.equal(mails[1]!.messageId, `<reply-${runId}@handoff.test>`);
    await world.queuesDrained();
    assert.equal(mailsTo(address).length, 2, 'one holding reply and one reply, nothing more');
  });

  test('`holding_reply` goes only to customers who wrote by email: a webhook-started review gets none', async () => {
    await startWith('holding_reply');
    const address = 'holding-mail@customer.example';
    const hookAddress = 'holding-hook@helpdesk.example';
    const mailed = await openReview(address);
    const body = JSON.stringify({ type: 'ticket.created', data: complaintEmail({ from: { address: hookAddress } }) });
    const webhookId = `msg_holding_${Date.now()}`;
    const posted = await api.post(
      '/api/v1/webhooks/helpdesk',
      body,
      standardWebhookHeaders(HELPDESK_SECRETS[0]!, body, webhookId),
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const hooked = await api.waitForRun(posted.body.runId, ['awaiting_review']);

    clock.advanceMinutes(DUE_MINUTES + 1);
    await smtp.waitFor(() => mailsTo(address).length === 1);
    // The deadline is taken on both; only the email-started one produced an outbound message.
    await eventually(
      async () => (await task(hooked.reviewId)).deadline_action_taken_at ?? undefined,
      'the webhook deadline',
    );
    await stream.waitFor((e) => e.type === 'review.overdue' && e.data.reviewId === hooked.reviewId);
    await sweepAgain();
    assert.equal(mailsTo(address).length, 1, 'exactly one holding mail to the email customer');
    assert.equal(mailsTo(hookAddress).length, 0, 'no mail to a webhook sender');
    assert.equal(receiver.callbacksFor(webhookId).length, 0, 'no callback to the webhook source either');
    const outbound = await world.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbound_messages WHERE run_id = $1`,
      [hooked.id],
    );
    assert.equal(outbound[0]!.n, 0);
    assert.equal((await task(hooked.reviewId)).status, 'pending');
    assert.equal((await task(mailed.reviewId)).status, 'pending');
  });

  test('`close` closes the review as timed out: final run state, nothing sent, audited; a late decision gets 409', async () => {
    await startWith('close');
    const address = 'close@customer.example';
    const { runId, reviewId } = await openReview(address);

    clock.advanceMinutes(DUE_MINUTES + 1);
    await api.waitForRun(runId, ['timed_out']);
    const closed = await task(reviewId);
    assert.equal(closed.status, 'timed_out');
    assert.ok(closed.deadline_action_taken_at);
    await stream.waitFor((e) => e.type === 'review.overdue' && e.data.reviewId === reviewId);
    assert.equal(await auditCount(reviewId, 'review.deadline.close'), 1);
    const late = await api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
    assert.equal(late.status, 409);
    await sweepAgain();
    assert.equal(mailsTo(address).length, 0, 'nothing is sent');
    const detail = await api.get(`/api/v1/reviews/${reviewId}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.status, 'timed_out');
  });

  test('timers survive a restart: a deadline that passes while the service is down fires when it is back', async () => {
    await startWith('escalate');
    const { reviewId } = await openReview('restart@customer.example');
    await stopService();
    clock.advanceMinutes(DUE_MINUTES + 1);
    assert.equal((await task(reviewId)).escalated_at, null, 'nothing fires while no worker runs');

    await startWith('escalate');
    const fired = await eventually(async () => {
      const row = await task(reviewId);
      return row.escalated_at && row.reminded_at ? row : undefined;
    }, 'the reminder and the escalation after the restart');
    assert.equal(fired.status, 'pending');
    assert.equal(await auditCount(reviewId, 'review.reminder'), 1);
    assert.equal(await auditCount(reviewId, 'review.deadline.escalate'), 1);
  });

  test('a decision before the deadline cancels the reminder and the default action', async () => {
    await startWith('holding_reply');
    const address = 'decided-early@customer.example';
    const { runId, reviewId } = await openReview(address);
    const decided = await api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    await api.waitForRun(runId, ['sent']);

    clock.advanceMinutes(DUE_MINUTES + 1);
    await sweepAgain();
    const row = await task(reviewId);
    assert.equal(row.reminded_at, null);
    assert.equal(row.deadline_action_taken_at, null);
    assert.equal(mailsTo(address).length, 1, 'only the reply, no holding reply');
  });

  test('a decision racing the deadline: exactly one of them wins each review', async () => {
    const running = await startWith('close');
    const reviews = [];
    for (let i = 0; i < 6; i++) reviews.push(await openReview(`race-${i}@customer.example`));
    const deadlines = running.app.get(ReviewDeadlinesService);

    clock.advanceMinutes(DUE_MINUTES + 1);
    const [decisions] = await Promise.all([
      Promise.all(
        reviews.map(({ reviewId }) => api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' })),
      ),
      deadlines.sweep(),
      deadlines.sweep(),
    ]);

    for (const [i, { runId, reviewId }] of reviews.entries()) {
      const status = decisions[i]!.status;
      assert.ok(status === 200 || status === 409, `decision status ${status}`);
      const run = await api.waitForRun(runId, status === 200 ? ['sent'] : ['timed_out']);
      const row = await task(reviewId);
      assert.equal(row.status, status === 200 ? 'decided' : 'timed_out');
      assert.equal(await auditCount(reviewId, 'review.approve'), status === 200 ? 1 : 0);
      assert.equal(await auditCount(reviewId, 'review.deadline.close'), status === 200 ? 0 : 1);
      assert.equal(run.status, status === 200 ? 'sent' : 'timed_out');
    }
    await world.queuesDrained();
    for (const [i] of reviews.entries()) {
      assert.equal(mailsTo(`race-${i}@customer.example`).length, decisions[i]!.status === 200 ? 1 : 0);
    }
  });

  test('retention prunes checkpoints of ended runs after CHECKPOINT_RETENTION_HOURS, keeps our own records, and is idempotent', async () => {
    const running = await startWith('escalate');
    const { runId: pendingRun } = await openReview('retention-pending@customer.example');
    const retention = running.app.get(CheckpointRetentionService);
    const checkpointsOf = async (status: string) =>
      (
        await world.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM langgraph.checkpoints c JOIN workflow_runs r ON r.id::text = c.thread_id
            WHERE r.status = $1`,
          [status],
        )
      )[0]!.n;
    const runsBefore = (await world.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs`))[0]!.n;
    assert.ok((await checkpointsOf('sent')) > 0);
    assert.equal((await retention.prune()).threads, 0, 'nothing is old enough yet');

    clock.advanceMinutes(8 * 24 * 60);
    const pruned = await retention.prune();
    assert.ok(pruned.threads > 0);
    assert.equal(await checkpointsOf('sent'), 0);
    assert.equal(await checkpointsOf('timed_out'), 0);
    const [kept] = await world.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM langgraph.checkpoints WHERE thread_id = $1`,
      [pendingRun],
    );
    assert.ok(kept!.n > 0, 'a run awaiting review keeps its checkpoints');
    assert.equal((await world.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs`))[0]!.n, runsBefore);
    assert.equal((await retention.prune()).threads, 0, 'a second pass finds nothing');
  });
  test('replaying a failed run whose checkpoints were pruned answers 422 and says why', async () => {
    const running = await startWith('escalate');
    smtp.refuseNext(1, 554, 'transaction failed');
    const accepted = await api.post(
      '/api/v1/events/email',
      orderStatusEmail({ from: { address: 'pruned-replay@customer.example' } }),
    );
    assert.equal(accepted.status, 202);
    const failed = await api.waitForRun(accepted.body.runId, ['failed']);
    const retention = running.app.get(CheckpointRetentionService);
    await retention.prune();
    const [kept] = await world.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM langgraph.checkpoints WHERE thread_id = $1`,
      [failed.id],
    );
    assert.ok(kept!.n > 0, 'a failed run keeps its checkpoints inside FAILED_CHECKPOINT_RETENTION_HOURS');

    clock.advanceMinutes(31 * 24 * 60);
    await retention.prune();
    const [gone] = await world.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM langgraph.checkpoints WHERE thread_id = $1`,
      [failed.id],
    );
    assert.equal(gone!.n, 0);
    const replay = await api.post(`/api/v1/runs/${failed.id}/replay`);
    assert.equal(replay.status, 422);
    assert.match(replay.body.message, /checkpoints were pruned/);
    assert.equal((await api.get(`/api/v1/runs/${failed.id}`)).body.status, 'failed', 'the run is left as it was');
    assert.equal(mailsTo('pruned-replay@customer.example').length, 0);
  });
});
