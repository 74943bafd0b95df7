import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/config.schema';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { EventStreamReader } from './support/sse';
import { TEST_ADMIN, useWorldWithSmtp } from './support/test-service';

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url })).url);
});

describe('without Slack settings', () => {
  test('reviews open as usual, the Slack route does not exist and no Slack work is queued', async () => {
    const reviewer = await ApiClient.signIn(api.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const stream = new EventStreamReader(`${api.baseUrl}/api/v1/reviews/stream`, {
      cookie: reviewer.defaultHeaders.cookie!,
    });
    assert.equal(await stream.open(), 200);
    const accepted = await api.post('/api/v1/events/email', complaintEmail());
    const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
    assert.ok(run.reviewId);
    const response = await fetch(`${api.baseUrl}/api/v1/slack/events`, { method: 'POST', body: 'payload=%7B%7D' });
    assert.equal(response.status, 404);
    // Were the Slack module loaded, hearing review.opened would have queued a post (retried for minutes without
    // Slack, so the queues would not drain).
    await stream.waitFor((event) => event.type === 'review.opened' && event.data.reviewId === run.reviewId);
    await stream.close();
    await world.queuesDrained();
    const slackJobs = [
      ...(await api.get<string>('/metrics')).body.matchAll(
        /^handoff_queue_jobs\{queue="slack",state="[a-z-]+"\} (\d+)$/gm,
      ),
    ];
    assert.ok(slackJobs.length > 0, 'the slack queue is measured');
    assert.deepEqual(
      slackJobs.map((match) => Number(match[1])).filter((count) => count > 0),
      [],
    );
    assert.equal((await world.query(`SELECT 1 FROM slack_messages`)).length, 0);
  });

  test('a partial or malformed Slack setting stops startup, naming what is wrong', () => {
    const base = world.env();
    assert.throws(
      () => loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1' }),
      /SLACK_SIGNING_SECRET: Slack needs[\s\S]*SLACK_REVIEW_CHANNEL: Slack needs/,
    );
    assert.throws(
      () =>
        loadConfig({
          ...base,
          SLACK_BOT_TOKEN: 'xoxp-user-token',
          SLACK_SIGNING_SECRET: 'short',
          SLACK_REVIEW_CHANNEL: '#reviews',
          SLACK_CATEGORY_CHANNELS: '{"billing": 3}',
        }),
      /SLACK_BOT_TOKEN: must be a bot token[\s\S]*SLACK_SIGNING_SECRET[\s\S]*SLACK_REVIEW_CHANNEL[\s\S]*SLACK_CATEGORY_CHANNELS/,
    );
  });
});
