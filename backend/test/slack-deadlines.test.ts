import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningService } from '../src/bootstrap';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { sweepDeadlines } from './support/deadlines';
import { FakeSlack, type SlackCall } from './support/fake-slack';
import { TestClock } from './support/test-clock';
import { eventually, useWorldWithSmtp } from './support/test-service';

const DUE_MINUTES = 60;
const REMIND_BEFORE = 15;
const REVIEWS = 'C0REVIEWS1';
const ESCALATIONS = 'C0ESCALATE';

const clock = new TestClock();
const slack = new FakeSlack();
let service: RunningService | undefined;
let api: ApiClient;

const { world, smtp } = useWorldWithSmtp(async () => {
  await slack.start();
  await startService({ escalationChannel: ESCALATIONS });
});
after(() => slack.stop());

async function stopService(): Promise<void> {
  if (service) await world.stop(service);
  service = undefined;
}

async function startService(options: { escalationChannel?: string }): Promise<void> {
  await stopService();
  const started = await world.start(
    {
      SMTP_URL: smtp.url,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'slack-signing-secret-0123456789',
      SLACK_REVIEW_CHANNEL: REVIEWS,
      SLACK_API_URL: slack.url,
      ...(options.escalationChannel ? { SLACK_ESCALATION_CHANNEL: options.escalationChannel } : {}),
      REVIEW_DUE_MINUTES: String(DUE_MINUTES),
      REVIEW_REMINDER_MINUTES_BEFORE: String(REMIND_BEFORE),
      REVIEW_DEADLINE_ACTION: 'escalate',
      SWEEP_INTERVAL_MS: '200',
    },
    { clock },
  );
  service = started;
  api = new ApiClient(started.url);
}

/** What the next periodic sweeps would do: they must post nothing more. */
const sweepAgain = () => sweepDeadlines(world, service!);

/** Opens a review and waits for its Slack message. */
async function openReview(address: string): Promise<{ reviewId: string; ts: string }> {
  const accepted = await api.post('/api/v1/events/email', complaintEmail({ from: { address } }));
  assert.equal(accepted.status, 202);
  const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
  const reviewId: string = run.reviewId;
  const row = await eventually(
    async () =>
      (await world.query<{ ts: string }>(`SELECT ts FROM slack_messages WHERE review_id = $1`, [reviewId]))[0],
    'the slack_messages row',
  );
  return { reviewId, ts: row.ts };
}

/** Thread replies under the review message. */
const threadReplies = (ts: string): SlackCall[] =>
  slack.callsTo('chat.postMessage').filter((call) => call.args['channel'] === REVIEWS && call.args['thread_ts'] === ts);
const reminders = (ts: string) => threadReplies(ts).filter((call) => /^Reminder/.test(call.args['text']));
const escalations = (reviewId: string, channel = ESCALATIONS) =>
  slack
    .callsTo('chat.postMessage')
    .filter((call) => call.args['channel'] === channel && /^Past due/.test(call.args['text']))
    .filter((call) => JSON.stringify(call.args).includes(reviewId));

describe('Slack reminders and escalation (controllable clock)', () => {
  test('the reminder is posted once in the thread; the escalation once to the escalation channel', async () => {
    const { reviewId, ts } = await openReview('remind@customer.example');
    clock.advanceMinutes(DUE_MINUTES - REMIND_BEFORE + 1);
    const [reminder] = await eventually(async () => (reminders(ts).length ? reminders(ts) : undefined), 'reminder');
    assert.match(reminder!.args['text'], new RegExp(`/reviews/${reviewId}\\|Open in Handoff`));
    assert.equal(escalations(reviewId).length, 0, 'not escalated before the deadline');

    clock.advanceMinutes(REMIND_BEFORE);
    const [escalation] = await eventually(
      async () => (escalations(reviewId).length ? escalations(reviewId) : undefined),
      'escalation',
    );
    assert.equal(escalation!.args['thread_ts'], undefined, 'a top-level message in the escalation channel');
    assert.match(escalation!.args['text'], /from remind@customer\.example/);
    assert.match(escalation!.args['text'], new RegExp(`/reviews/${reviewId}\\|Open in Handoff`));
    await sweepAgain();
    assert.equal(reminders(ts).length, 1, 'one reminder');
    assert.equal(escalations(reviewId).length, 1, 'one escalation');

    // A later decision still updates the original message.
    const decided = await api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' });
    assert.equal(decided.status, 200);
    await eventually(
      async () =>
        slack
          .callsTo('chat.update')
          .find((call) => call.args['ts'] === ts && !JSON.stringify(call.args['blocks']).includes('"actions"')),
      'the decided message',
    );
  });

  test('a restart between the reminder and the escalation duplicates neither', async () => {
    const { reviewId, ts } = await openReview('restart@customer.example');
    clock.advanceMinutes(DUE_MINUTES - REMIND_BEFORE + 1);
    await eventually(async () => (reminders(ts).length ? true : undefined), 'reminder');
    await startService({ escalationChannel: ESCALATIONS });
    clock.advanceMinutes(REMIND_BEFORE);
    await eventually(async () => (escalations(reviewId).length ? true : undefined), 'escalation');
    await startService({ escalationChannel: ESCALATIONS });
    await sweepAgain();
    assert.equal(reminders(ts).length, 1, 'one reminder across restarts');
    assert.equal(escalations(reviewId).length, 1, 'one escalation across restarts');
  });

  test('Slack down when the reminder fires: the reminder is posted once after recovery', async () => {
    const { reviewId, ts } = await openReview('outage@customer.example');
    slack.fault = 'down';
    const refusedBefore = slack.refused;
    clock.advanceMinutes(DUE_MINUTES - REMIND_BEFORE + 1);
    await eventually(
      async () =>
        (
          await world.query<{ reminded_at: Date | null }>(`SELECT reminded_at FROM review_tasks WHERE id = $1`, [
            reviewId,
          ])
        )[0]!.reminded_at ?? undefined,
      'the reminder firing',
    );
    await eventually(async () => (slack.refused > refusedBefore ? true : undefined), 'a refused Slack call');
    slack.fault = undefined;
    await eventually(async () => (reminders(ts).length ? true : undefined), 'reminder after recovery', 40_000);
    await sweepAgain();
    assert.equal(reminders(ts).length, 1);
  });

  test('without an escalation channel the escalation is a reply in the review thread', async () => {
    await startService({});
    const { reviewId, ts } = await openReview('thread@customer.example');
    clock.advanceMinutes(DUE_MINUTES + 1);
    await eventually(
      async () => (threadReplies(ts).some((call) => /^Past due/.test(call.args['text'])) ? true : undefined),
      'the escalation in the thread',
    );
    await sweepAgain();
    assert.equal(threadReplies(ts).filter((call) => /^Past due/.test(call.args['text'])).length, 1);
    assert.equal(reminders(ts).length, 1, 'the reminder fires too, once');
    assert.equal(escalations(reviewId).length, 0, 'nothing in the escalation channel');
  });
});
