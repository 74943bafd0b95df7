import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/config.schema';
import { ApiClient } from './support/api-client';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { FakeSlack } from './support/fake-slack';
import { standardWebhookHeaders } from './fixtures/inbound/providers';
import { HELPDESK_SECRETS } from './fixtures/inbound/settings';
import { eventually, useWorldWithSmtp } from './support/test-service';

const REVIEWS = 'C0REVIEWS1';
const SUPPORT = 'C0SUPPORT1';
const THREAD = '1700000000.000100';
const GONE = 'C0ARCHIVED';
/** Answers posted into the channel itself, not a thread: looked up in conversations.history. */
const ANSWERS = 'C0ANSWERS1';

const slack = new FakeSlack();
let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  await slack.start();
  slack.channelErrors.set(GONE, 'channel_not_found');
  const service = await world.start({
    SMTP_URL: smtp.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'slack-signing-secret-0123456789',
    SLACK_REVIEW_CHANNEL: REVIEWS,
    SLACK_API_URL: slack.url,
    WEBHOOK_SOURCES: JSON.stringify({
      chat: { secrets: HELPDESK_SECRETS, reply: { channel: 'slack', slackChannel: SUPPORT, threadTs: THREAD } },
      gone: { secrets: HELPDESK_SECRETS, reply: { channel: 'slack', slackChannel: GONE } },
      answers: { secrets: HELPDESK_SECRETS, reply: { channel: 'slack', slackChannel: ANSWERS } },
    }),
  });
  api = new ApiClient(service.url);
});
after(() => slack.stop());

async function postTicket(email: Record<string, unknown>, source = 'chat') {
  const body = JSON.stringify({ type: 'ticket.created', data: email });
  const accepted = await api.post(
    `/api/v1/webhooks/${source}`,
    body,
    standardWebhookHeaders(HELPDESK_SECRETS[0]!, body, `msg_${randomUUID()}`),
  );
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  return accepted.body.runId as string;
}

const postsTo = (channel: string) =>
  slack.callsTo('chat.postMessage').filter((call) => call.args['channel'] === channel);
const outboundOf = async (runId: string) =>
  (
    await world.query<{
      id: string;
      channel: string;
      status: string;
      attempts: number;
      last_error: string | null;
      message_id: string;
    }>('SELECT id, channel, status, attempts, last_error, message_id FROM outbound_messages WHERE run_id = $1', [runId])
  )[0];
/** Messages in the channel carrying this reply's id in their metadata, as the history shows them. */
const postedIn = (channel: string, replyId: string) =>
  slack.posted.filter(
    (message) =>
      message.channel === channel &&
      (message.metadata as { event_payload?: { reply_id?: string } } | undefined)?.event_payload?.reply_id === replyId,
  ).length;
const auditActions = async (entityId: string) =>
  (
    await world.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [entityId],
    )
  ).map((row) => `${row.actor} ${row.action}`);

describe('Slack as the reply channel of a webhook source', () => {
  test('webhook → review → approve (edited): one chat.postMessage with the escaped answer in the thread, no email', async () => {
    const sender = 'slack-reviewed@chat.example';
    const runId = await postTicket(complaintEmail({ from: { address: sender } }));
    const run = await api.waitForRun(runId, ['awaiting_review']);
    const edited = 'Sorry about that <@here> & we will fix it > soon';
    const decided = await api.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'edit', text: edited });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await api.waitForRun(runId, ['sent']);
    await world.queuesDrained();
    const posts = postsTo(SUPPORT);
    assert.equal(posts.length, 1, 'exactly one post');
    assert.equal(posts[0]!.args['thread_ts'], THREAD);
    assert.equal(posts[0]!.args['text'], 'Sorry about that &lt;@here&gt; &amp; we will fix it &gt; soon');
    assert.equal((await outboundOf(runId))!.channel, 'slack');
    assert.equal(smtp.list().filter((mail) => mail.envelopeTo.includes(sender)).length, 0, 'no email');
  });

  test('a permanent Slack error fails the run with the reason, without retrying', async () => {
    const runId = await postTicket(orderStatusEmail(), 'gone');
    const run = await api.waitForRun(runId, ['failed']);
    assert.equal(run.failedStep, 'delivery');
    const outbound = await outboundOf(runId);
    assert.equal(outbound!.status, 'failed');
    assert.match(outbound!.last_error!, /channel_not_found/);
    await world.queuesDrained();
    assert.equal(postsTo(GONE).length, 1, 'no retry after a permanent refusal');
  });

  test('Slack answering 500 is retried: the answer is posted once after recovery', async () => {
    const before = postsTo(SUPPORT).length;
    slack.fault = 500;
    const refused = slack.refused;
    const runId = await postTicket(orderStatusEmail({ from: { address: 'retry@chat.example' } }));
    await eventually(async () => (slack.refused > refused ? true : undefined), 'a refused Slack call');
    slack.fault = undefined;
    await api.waitForRun(runId, ['sent']);
    await world.queuesDrained();
    assert.equal(postsTo(SUPPORT).length, before + 1, 'posted once');
    assert.ok((await outboundOf(runId))!.attempts >= 2);
  });

  test('a post whose answer was lost but which landed is found in conversations.history: settled sent, not reposted', async () => {
    slack.loseNextPostAnswer(ANSWERS, { keep: true });
    const runId = await postTicket(orderStatusEmail({ from: { address: 'landed@chat.example' } }), 'answers');
    assert.equal((await api.waitForRun(runId, ['sent'])).error, null);
    await world.queuesDrained();
    const outbound = await outboundOf(runId);
    assert.equal(outbound!.status, 'sent');
    assert.equal(outbound!.attempts, 1, 'one post, never repeated');
    assert.equal(postsTo(ANSWERS).length, 1);
    assert.equal(postedIn(ANSWERS, outbound!.message_id), 1, 'the channel holds the answer once');
    const lookUps = slack.callsTo('conversations.history').filter((call) => call.args['channel'] === ANSWERS);
    assert.equal(lookUps.length, 1);
    assert.equal(String(lookUps[0]!.args['include_all_metadata']), 'true');
    assert.deepEqual(await auditActions(outbound!.id), [
      'auto reply.requested',
      'system reply.uncertain',
      'system reply.settled_sent',
    ]);
  });

  test('a post whose answer was lost and which never landed is not in the history: posted again, once', async () => {
    const lookUpsBefore = slack.callsTo('conversations.history').length;
    slack.loseNextPostAnswer(ANSWERS, { keep: false });
    const runId = await postTicket(orderStatusEmail({ from: { address: 'lost@chat.example' } }), 'answers');
    assert.equal((await api.waitForRun(runId, ['sent'])).error, null);
    await world.queuesDrained();
    const outbound = await outboundOf(runId);
    assert.equal(outbound!.status, 'sent');
    assert.equal(outbound!.attempts, 2);
    assert.equal(postedIn(ANSWERS, outbound!.message_id), 1, 'the channel holds the answer exactly once');
    assert.equal(slack.callsTo('conversations.history').length, lookUpsBefore + 1);
    assert.deepEqual(await auditActions(outbound!.id), [
      'auto reply.requested',
      'system reply.uncertain',
      'system reply.settled_resend',
      'system reply.sent',
    ]);
  });

  test('a Slack reply source without Slack settings stops startup, naming the source', () => {
    const base = world.env();
    const sources = { chat: { secrets: HELPDESK_SECRETS, reply: { channel: 'slack', slackChannel: SUPPORT } } };
    assert.throws(
      () => loadConfig({ ...base, WEBHOOK_SOURCES: JSON.stringify(sources) }),
      /WEBHOOK_SOURCES\.chat\.reply: replies to Slack/,
    );
  });
});
