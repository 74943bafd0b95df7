import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/config.schema';
import { ApiClient } from './support/api-client';
import { complaintEmail } from './support/emails';
import { FakeSlack } from './support/fake-slack';
import { useWorldWithSmtp } from './support/test-service';

const slack = new FakeSlack();
let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  await slack.start();
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url })).url);
});

describe('without Slack settings', () => {
  test('reviews open as usual, the Slack route does not exist and Slack is never called', async () => {
    const accepted = await api.post('/api/v1/events/email', complaintEmail());
    const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
    assert.ok(run.reviewId);
    const response = await fetch(`${api.baseUrl}/api/v1/slack/events`, { method: 'POST', body: 'payload=%7B%7D' });
    assert.notEqual(response.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(slack.calls.length, 0);
    assert.equal((await world.query(`SELECT 1 FROM slack_messages`)).length, 0);
    await slack.stop();
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
