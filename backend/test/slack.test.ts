import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import {
  buttonClick,
  FakeSlack,
  menuChoice,
  sendInteraction,
  slackSignature,
  viewSubmission,
} from './support/fake-slack';
import { eventually, useWorldWithSmtp } from './support/test-service';

const SECRET = 'slack-signing-secret-0123456789';
const CHANNEL = 'C0REVIEWS1';
const COMPLAINTS = 'C0COMPLAIN';
const REVIEWER = { slackUser: 'U0REVIEWER', email: 'sam@handoff.test' };
const STRANGER = 'U0STRANGER';

const slack = new FakeSlack();
let api: ApiClient;
let url: string;
const { world, smtp } = useWorldWithSmtp(async () => {
  await slack.start();
  slack.users.set(REVIEWER.slackUser, REVIEWER.email);
  slack.users.set(STRANGER, 'stranger@elsewhere.example');
  const service = await world.start({
    SMTP_URL: smtp.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_REVIEW_CHANNEL: CHANNEL,
    SLACK_CATEGORY_CHANNELS: JSON.stringify({ complaint: COMPLAINTS }),
    SLACK_API_URL: slack.url,
  });
  url = service.url;
  api = new ApiClient(url);
  const created = await api.post('/api/v1/reviewers', {
    email: REVIEWER.email,
    name: 'Sam Reviewer',
    password: 'sam-password-1234',
    role: 'reviewer',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});
after(() => slack.stop());

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));

/** Sends a complaint (always reviewed) and waits for its Slack message. */
async function openReview(sender: string, overrides: Record<string, unknown> = {}) {
  const accepted = await api.post('/api/v1/events/email', complaintEmail({ from: { address: sender }, ...overrides }));
  assert.equal(accepted.status, 202);
  const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
  const reviewId: string = run.reviewId;
  const post = await eventually(
    async () => slack.callsTo('chat.postMessage').find((call) => JSON.stringify(call.args).includes(reviewId)),
    'the review message',
  );
  const row = await eventually(
    async () =>
      (
        await world.query<{ ts: string; channel: string }>(
          `SELECT ts, channel FROM slack_messages WHERE review_id = $1`,
          [reviewId],
        )
      )[0],
    'the slack_messages row',
  );
  return { reviewId, post, ts: row.ts, channel: row.channel };
}

const decisionsOf = (reviewId: string) =>
  world.query<{ action: string; actor: string; surface: string; final_text: string | null }>(
    `SELECT action, actor, surface, final_text FROM review_decisions WHERE task_id = $1`,
    [reviewId],
  );

/** Waits for the review's message to be updated to its decided form (no buttons). */
const decidedUpdate = (ts: string) =>
  eventually(
    async () =>
      slack
        .callsTo('chat.update')
        .find((call) => call.args['ts'] === ts && !JSON.stringify(call.args['blocks']).includes('"actions"')),
    'the decided message',
  );

/** Every mrkdwn text object in a block tree. */
function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (!node || typeof node !== 'object') return [];
  const object = node as Record<string, unknown>;
  const own = object['type'] === 'mrkdwn' && typeof object['text'] === 'string' ? [object['text']] : [];
  return [...own, ...Object.values(object).flatMap(mrkdwnTexts)];
}

/** Clicks a button that opens a modal and returns the view Slack was asked to open. */
async function openModal(user: string, actionId: string, review: { reviewId: string; channel: string; ts: string }) {
  await sendInteraction(url, SECRET, buttonClick(user, actionId, review.reviewId, review.channel, review.ts));
  const opened = await eventually(
    async () =>
      slack.callsTo('views.open').find((call) => call.args['view'].private_metadata.includes(review.reviewId)),
    `the ${actionId} modal`,
  );
  return opened.args['view'];
}

const ephemeralTo = (user: string, pattern: RegExp) =>
  eventually(
    async () =>
      slack.callsTo('chat.postEphemeral').find((call) => call.args['user'] === user && pattern.test(call.args['text'])),
    `an ephemeral to ${user}`,
  );

describe('Slack review messages and decisions', () => {
  test('a review is posted to its category channel with escaped email text, the draft and four buttons', async () => {
    const { reviewId, post } = await openReview('post@customer.example', {
      subject: 'Complaint <!channel> & <https://evil.example|click>',
    });
    assert.equal(post.args['channel'], COMPLAINTS);
    assert.equal(post.token, 'xoxb-test-token');
    assert.equal(slack.callsTo('auth.test').length, 0, 'no Slack call is needed before a request is handled');
    const blocks = JSON.stringify(post.args['blocks']);
    // Slack parses mentions and links in mrkdwn text and the fallback text; plain_text shows them literally.
    const parsed = [post.args['text'], ...mrkdwnTexts(post.args['blocks'])].join('\n');
    assert.ok(!parsed.includes('<!channel>'), 'email text cannot mention @channel');
    assert.ok(!parsed.includes('<https://evil.example'), 'email text cannot craft links');
    assert.match(parsed, /&lt;!channel&gt; &amp; &lt;https:\/\/evil\.example\|click&gt;/);
    const actions = (
      post.args['blocks'] as { type: string; elements?: { action_id: string; value?: string; url?: string }[] }[]
    ).find((block) => block.type === 'actions')!;
    assert.deepEqual(
      actions.elements!.map((element) => element.action_id),
      ['review_approve', 'review_edit', 'review_reject', 'review_redraft', 'review_category', 'review_open'],
    );
    assert.equal(actions.elements![0]!.value, reviewId);
    assert.equal(actions.elements![5]!.url, `http://ui.handoff.test:3001/reviews/${reviewId}`);
    assert.match(blocks, /post@customer\.example/);
    assert.match(blocks, /complaint/);
    assert.match(blocks, /always_review_category/);
  });

  test('Approve decides as the reviewer matched by email, sends one reply and updates the message', async () => {
    const { reviewId, ts, channel } = await openReview('approve@customer.example');
    const response = await sendInteraction(
      url,
      SECRET,
      buttonClick(REVIEWER.slackUser, 'review_approve', reviewId, channel, ts),
    );
    assert.equal(response.status, 200);
    await smtp.waitFor(() => mailsTo('approve@customer.example').length === 1);
    assert.deepEqual(
      (await decisionsOf(reviewId)).map((d) => [d.action, d.actor, d.surface]),
      [['approve', REVIEWER.email, 'slack']],
    );
    const update = await decidedUpdate(ts);
    assert.match(JSON.stringify(update.args['blocks']), /Approved by sam@handoff\.test/);

    // A stale click on the same message is refused, naming who decided.
    await sendInteraction(url, SECRET, buttonClick(REVIEWER.slackUser, 'review_approve', reviewId, channel, ts));
    await ephemeralTo(REVIEWER.slackUser, /already decided by sam@handoff\.test/);
    assert.equal((await decisionsOf(reviewId)).length, 1);
    await world.queuesDrained();
    assert.equal(mailsTo('approve@customer.example').length, 1);
  });

  test('Edit opens a modal with the draft; submitting it sends the edited text', async () => {
    const review = await openReview('edit@customer.example');
    const { reviewId, ts } = review;
    const view = await openModal(REVIEWER.slackUser, 'review_edit', review);
    const { draft } = (await api.get(`/api/v1/reviews/${reviewId}`)).body.request;
    assert.equal(view.blocks[0].element.initial_value, draft);
    assert.equal(view.blocks[0].element.multiline, true);
    const edited = 'Dear customer,\n\nWe are sorry. A manager will call you today.\n\nSupport';
    const submitted = await sendInteraction(url, SECRET, viewSubmission(REVIEWER.slackUser, view, edited));
    assert.equal(submitted.status, 200);
    const [reply] = await smtp.waitFor(() => mailsTo('edit@customer.example').length === 1);
    assert.ok(reply);
    assert.equal(mailsTo('edit@customer.example')[0]!.text.trim(), edited);
    assert.deepEqual(
      (await decisionsOf(reviewId)).map((d) => d.action),
      ['edit'],
    );
    await decidedUpdate(ts);
  });

  test('Reject asks for a reason and sends nothing; Redraft asks for feedback and refreshes the message', async () => {
    const rejected = await openReview('reject@customer.example');
    const rejectView = await openModal(REVIEWER.slackUser, 'review_reject', rejected);
    await sendInteraction(url, SECRET, viewSubmission(REVIEWER.slackUser, rejectView, 'spam'));
    await api.waitForRun((await api.get(`/api/v1/reviews/${rejected.reviewId}`)).body.runId, ['rejected']);
    await decidedUpdate(rejected.ts);
    assert.equal(mailsTo('reject@customer.example').length, 0);

    const redraft = await openReview('redraft@customer.example');
    const redraftView = await openModal(REVIEWER.slackUser, 'review_redraft', redraft);
    await sendInteraction(url, SECRET, viewSubmission(REVIEWER.slackUser, redraftView, 'Apologise first.'));
    // The new round comes back to the same message, with buttons again.
    await eventually(async () => {
      const [row] = await world.query<{ round: number; state: string }>(
        `SELECT round, state FROM slack_messages WHERE review_id = $1`,
        [redraft.reviewId],
      );
      return row?.round === 1 && row.state === 'open' ? row : undefined;
    }, 'the refreshed message');
    const refreshed = slack
      .callsTo('chat.update')
      .filter((call) => call.args['ts'] === redraft.ts)
      .at(-1)!;
    assert.match(JSON.stringify(refreshed.args['blocks']), /review_approve/);
    assert.deepEqual(
      (await decisionsOf(redraft.reviewId)).map((d) => d.action),
      ['redraft'],
    );
  });

  test('the category menu corrects the category once: redrafted for it, the same message reopens', async () => {
    const review = await openReview('category@customer.example');
    const menu = (
      review.post.args['blocks'] as {
        type: string;
        elements?: { action_id: string; options?: { value: string }[] }[];
      }[]
    )
      .find((block) => block.type === 'actions')!
      .elements!.find((element) => element.action_id === 'review_category')!;
    const billing = menu.options!.find((option) => option.value.endsWith('|billing'))!;
    assert.ok(
      !menu.options!.some((option) => option.value.endsWith('|complaint')),
      'the current category is not offered',
    );
    await sendInteraction(
      url,
      SECRET,
      menuChoice(REVIEWER.slackUser, 'review_category', billing.value, review.channel, review.ts),
    );
    const reopened = await eventually(async () => {
      const detail = (await api.get(`/api/v1/reviews/${review.reviewId}`)).body;
      return detail.status === 'pending' && detail.round === 1 ? detail : undefined;
    }, 'the redraft for the corrected category');
    assert.equal(reopened.request.classification.category, 'billing');
    assert.equal(reopened.request.redraftsRemaining, 3);
    assert.deepEqual(
      (await decisionsOf(review.reviewId)).map((d) => [d.action, d.actor, d.surface]),
      [['recategorise', REVIEWER.email, 'slack']],
    );
    // The same choice again, from the old message: the review is in billing already, so it is refused.
    await sendInteraction(
      url,
      SECRET,
      menuChoice(REVIEWER.slackUser, 'review_category', billing.value, review.channel, review.ts),
    );
    assert.equal((await decisionsOf(review.reviewId)).length, 1);
  });

  test('the customer writes again: the old message shows it was superseded, the new one "Customer wrote again"', async () => {
    const first = complaintEmail({ from: { address: 'again@customer.example' } });
    const old = await openReview('again@customer.example', { messageId: first.messageId });
    const followUp = await api.post(
      '/api/v1/events/email',
      complaintEmail({
        from: { address: 'again@customer.example' },
        subject: `Re: ${first.subject}`,
        inReplyTo: first.messageId,
        references: [first.messageId],
        text: 'I forgot to say: the rude agent was on the phone line on 3 March. Still waiting for a manager.',
      }),
    );
    assert.equal(followUp.status, 202);
    const closed = await decidedUpdate(old.ts);
    assert.match(JSON.stringify(closed.args['blocks']), /Superseded/);
    assert.match(JSON.stringify(closed.args['blocks']), /on 3 March/, 'the old message shows the new one');

    const run = await api.waitForRun(followUp.body.runId, ['awaiting_review']);
    const post = await eventually(
      async () => slack.callsTo('chat.postMessage').find((call) => JSON.stringify(call.args).includes(run.reviewId)),
      'the new review message',
    );
    assert.match(JSON.stringify(post.args['blocks']), /Customer wrote again/);
    assert.match(JSON.stringify(post.args['blocks']), /on 3 March/);
  });

  test('a bad signature or a stale timestamp gets 401 and changes nothing', async () => {
    const { reviewId, ts, channel } = await openReview('forged@customer.example');
    const click = buttonClick(REVIEWER.slackUser, 'review_approve', reviewId, channel, ts);
    const forged = await sendInteraction(url, SECRET, click, {
      signature: slackSignature('wrong-secret-000000', Math.floor(Date.now() / 1000), 'x'),
    });
    assert.equal(forged.status, 401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const body = new URLSearchParams({ payload: JSON.stringify(click) }).toString();
    const replayed = await sendInteraction(url, SECRET, click, {
      timestamp: stale,
      signature: slackSignature(SECRET, stale, body),
    });
    assert.equal(replayed.status, 401);
    assert.equal((await decisionsOf(reviewId)).length, 0);
    assert.equal((await api.get(`/api/v1/reviews/${reviewId}`)).body.status, 'pending');
  });

  test('an unlinked Slack user is refused with an ephemeral and nothing changes', async () => {
    const { reviewId, ts, channel } = await openReview('stranger@customer.example');
    await sendInteraction(url, SECRET, buttonClick(STRANGER, 'review_approve', reviewId, channel, ts));
    await ephemeralTo(STRANGER, /not allowed/);
    assert.equal((await decisionsOf(reviewId)).length, 0);
  });

  test('an admin-linked Slack user decides as that reviewer', async () => {
    const reviewers = (await api.get('/api/v1/reviewers')).body.items as { id: string; email: string }[];
    const admin = reviewers.find((reviewer) => reviewer.email === 'admin@handoff.test')!;
    const linked = await api.request('PUT', `/api/v1/reviewers/${admin.id}/slack-user`, { slackUserId: 'U0LINKED1' });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.slackUserId, 'U0LINKED1');
    const review = await openReview('linked@customer.example');
    const view = await openModal('U0LINKED1', 'review_reject', review);
    await sendInteraction(url, SECRET, viewSubmission('U0LINKED1', view, 'duplicate'));
    const { reviewId } = review;
    await eventually(
      async () => ((await decisionsOf(reviewId))[0]?.actor === 'admin@handoff.test' ? true : undefined),
      'the decision',
    );
  });

  test('Slack and the web UI deciding at once: one decision, one reply, the message shows the winner', async () => {
    const { reviewId, ts, channel } = await openReview('race@customer.example');
    const [slackResponse, webResponse] = await Promise.all([
      sendInteraction(url, SECRET, buttonClick(REVIEWER.slackUser, 'review_approve', reviewId, channel, ts)),
      api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' }),
    ]);
    assert.equal(slackResponse.status, 200);
    assert.ok([201, 200, 409].includes(webResponse.status), String(webResponse.status));
    await smtp.waitFor(() => mailsTo('race@customer.example').length === 1);
    const decisions = await decisionsOf(reviewId);
    assert.equal(decisions.length, 1);
    const update = await decidedUpdate(ts);
    assert.match(
      JSON.stringify(update.args['blocks']),
      new RegExp(`by ${decisions[0]!.actor.replace(/[.:]/g, '\\$&')}`),
    );
    await world.queuesDrained();
    assert.equal(mailsTo('race@customer.example').length, 1);
  });

  for (const fault of ['down', 500, 429] as const) {
    test(`Slack ${fault} while a review opens: the review stays pending and is posted once Slack recovers`, async () => {
      slack.fault = fault;
      const refusedBefore = slack.refused;
      const accepted = await api.post(
        '/api/v1/events/email',
        complaintEmail({ from: { address: `outage-${fault}@customer.example` } }),
      );
      const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
      assert.equal((await api.get(`/api/v1/reviews/${run.reviewId}`)).body.status, 'pending');
      await eventually(async () => (slack.refused > refusedBefore ? true : undefined), 'a refused Slack call');
      slack.fault = undefined;
      await eventually(
        async () => slack.callsTo('chat.postMessage').find((call) => JSON.stringify(call.args).includes(run.reviewId)),
        'the message after recovery',
        40_000,
      );
    });
  }
});
