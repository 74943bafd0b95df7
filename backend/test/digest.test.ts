import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DigestSchema, OverviewSchema, type Overview, type OverviewRow } from '@handoff/contracts';
import { MailCatcher, type CapturedMail } from '../src/delivery/mail-catcher';
import { DigestSender } from '../src/digest/digest-sender.service';
import { formatDuration, formatUsd } from '../src/digest/digest-format';
import { DIGEST_SCHEDULER_ID, QUEUES } from '../src/queue/jobs';
import { ApiClient } from './support/api-client';
import { FakeSlack } from './support/fake-slack';
import { seedOverviewDataset } from './support/seed';
import { eventually, TestWorld } from './support/test-service';

const DIGEST_CHANNEL = 'CDIGEST0001';
const RECIPIENTS = ['lead@example.test', 'ops@example.test'];
const world = new TestWorld();
const smtp = new MailCatcher();
const slack = new FakeSlack();
let api: ApiClient;
let workers: Awaited<ReturnType<TestWorld['start']>>[];

/** Yesterday on the UTC calendar: the day the every-second schedule reports on. */
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

const digestsOf = (date: string) => smtp.list().filter((mail) => mail.subject.includes(`digest for ${date}:`));
const slackDigestsOf = (date: string) =>
  slack
    .callsTo('chat.postMessage')
    .filter(
      (call) => call.args['channel'] === DIGEST_CHANNEL && String(call.args['text']).includes(`digest for ${date}:`),
    );

async function digestRow(date: string) {
  const [row] = await world.query<{ status: string; attempts: number; note: string | null }>(
    `SELECT status, attempts, note FROM digests WHERE digest_date = $1`,
    [date],
  );
  return row;
}

/** LLM calls (100 in, 20 out per run), one failed and one uncertain reply, and a gate change, on `date`. */
async function seedExtras(date: string): Promise<void> {
  await world.query(
    `INSERT INTO llm_calls (run_id, node, model, started_at, latency_ms, prompt_tokens, completion_tokens)
     SELECT id, 'draft', 'test-model', created_at, 10, 100, 20 FROM workflow_runs
      WHERE created_at >= $1::date AND created_at < $1::date + 1 AND status <> 'ignored'`,
    [date],
  );
  // The auto-sent reply is uncertain; the approved (unedited) one failed.
  const day = `r.created_at >= $1::date AND r.created_at < $1::date + 1`;
  await world.query(
    `UPDATE outbound_messages o SET status = 'uncertain' FROM workflow_runs r
      WHERE r.id = o.run_id AND ${day} AND o.approved_by = 'auto'`,
    [date],
  );
  await world.query(
    `UPDATE outbound_messages o SET status = 'failed' FROM workflow_runs r
       JOIN review_tasks t ON t.run_id = r.id JOIN review_decisions d ON d.task_id = t.id AND d.action = 'approve'
      WHERE r.id = o.run_id AND ${day}`,
    [date],
  );
  await world.query(
    `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, data)
     VALUES ($1::date + interval '9 hours', 'lead@example.test', 'calibration.mode_changed', 'category',
             gen_random_uuid(), '{"category":"billing","from":"review","to":"auto_send"}')`,
    [date],
  );
}

before(async () => {
  await world.setUp();
  await Promise.all([smtp.start(), slack.start()]);
  for (const date of [yesterday, '2020-01-01', '2020-01-02']) {
    await seedOverviewDataset((sql, params) => world.query(sql, params), `${date}T10:00:00Z`);
    await seedExtras(date);
  }
  const env = {
    SMTP_URL: smtp.url,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'slack-signing-secret-0123456789',
    SLACK_REVIEW_CHANNEL: 'CREVIEWS001',
    SLACK_API_URL: slack.url,
    DIGEST_EMAILS: RECIPIENTS.join(','),
    DIGEST_SLACK_CHANNEL: DIGEST_CHANNEL,
    // Every second, so the two workers race for the same day over and over.
    DIGEST_CRON: '* * * * * *',
    DIGEST_TIMEZONE: 'UTC',
    LLM_PRICE_INPUT_PER_MTOK: '2.5',
    LLM_PRICE_OUTPUT_PER_MTOK: '10',
  };
  workers = [await world.start(env), await world.start(env)];
  api = new ApiClient(workers[0]!.url);
});
after(async () => {
  await world.tearDown();
  await Promise.all([smtp.stop(), slack.stop()]);
});

/** The scheduler's fire count, from Redis. */
async function schedulerIterations(): Promise<number> {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.digest, { connection: redis, prefix: world.redisPrefix });
  try {
    return (await queue.getJobScheduler(DIGEST_SCHEDULER_ID))?.iterationCount ?? 0;
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** The plain-text table's row for `label`: its cells after the label, one per category column. */
function textRow(text: string, label: string): string[] {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${label} `));
  assert.ok(line, `the digest has a "${label}" line`);
  return line
    .slice(label.length)
    .trim()
    .split(/\s{2,}/);
}

const COUNTS: [label: string, value: (row: OverviewRow) => number][] = [
  ['Volume', (row) => row.volume],
  ['Auto-sent', (row) => row.autoSent],
  ['Approved unedited', (row) => row.approvedUnedited],
  ['Edited', (row) => row.edited],
  ['Rejected', (row) => row.rejected],
  ['Past due', (row) => row.pastDue],
  ['Failed deliveries', (row) => row.deliveriesFailed],
  ['Uncertain deliveries', (row) => row.deliveriesUncertain],
];

/** Every figure of the digest's text equals the overview's for the same day, category by category. */
function assertDigestMatches(mail: CapturedMail, overview: Overview): void {
  const header = mail.text.split('\n').find((line) => line.trimStart().startsWith('all '));
  assert.deepEqual(
    header?.trim().split(/\s+/),
    overview.rows.map((row) => row.category),
  );
  for (const [label, value] of COUNTS) {
    assert.deepEqual(textRow(mail.text, label).map(Number), overview.rows.map(value), label);
  }
  assert.deepEqual(
    textRow(mail.text, 'Median time to decision'),
    overview.rows.map((row) => formatDuration(row.medianTimeToDecisionMs)),
  );
  assert.deepEqual(
    textRow(mail.text, 'LLM tokens (in/out)'),
    overview.rows.map((row) => `${row.llmPromptTokens} / ${row.llmCompletionTokens}`),
  );
  assert.deepEqual(
    textRow(mail.text, 'LLM cost'),
    overview.rows.map((row) => formatUsd(row.llmCostUsd)),
  );
}

describe('the daily digest', () => {
  test('two workers on an every-second schedule send yesterday’s digest once, by email and to Slack', async () => {
    await eventually(async () => ((await digestRow(yesterday))?.status === 'sent' ? true : undefined), 'the digest');
    // Let the schedule fire a few more times on both workers: nothing more may go out.
    const fired = await schedulerIterations();
    await eventually(async () => ((await schedulerIterations()) >= fired + 3 ? true : undefined), 'three more fires');
    assert.equal(digestsOf(yesterday).length, 1, 'one email');
    assert.deepEqual(digestsOf(yesterday)[0]!.envelopeTo.sort(), [...RECIPIENTS].sort());
    assert.equal(slackDigestsOf(yesterday).length, 1, 'one Slack post');
    assert.equal((await digestRow(yesterday))!.attempts, 1, 'claimed once');
    const mail = digestsOf(yesterday)[0]!;
    assert.equal(mail.autoSubmitted, 'auto-generated');
    assert.match(mail.html, /<table/);
    assert.match(mail.html, /bgcolor="#2e7d32"/, 'the chart');
    assert.match(
      mail.text,
      /Learned gate's changes:\n- 09:00 UTC calibration\.mode_changed billing: review → auto_send/,
    );
    assert.match(mail.text, new RegExp(`Overview: http://ui\\.handoff\\.test:3001/overview\\?from=${yesterday}&to=`));
    const sent: unknown = slackDigestsOf(yesterday)[0]!.args['blocks'];
    const blocks = typeof sent === 'string' ? sent : JSON.stringify(sent);
    assert.match(blocks, /\*Volume\*\\n5/);
    assert.match(blocks, /Open the Overview/);
  });

  test('two workers racing for the same day: one sends, the other finds it taken', async () => {
    const outcomes = await Promise.all(workers.map((worker) => worker.app.get(DigestSender).send('2020-01-02', false)));
    assert.deepEqual(outcomes.map((outcome) => outcome.claimed).sort(), [false, true]);
    assert.equal(digestsOf('2020-01-02').length, 1);
    assert.equal(slackDigestsOf('2020-01-02').length, 1);
  });

  test('a backfill of a missed day sends it with the numbers of GET /api/v1/stats/overview for that day', async () => {
    assert.equal((await new ApiClient(api.baseUrl, null).post('/api/v1/digest/send?date=2020-01-01')).status, 401);
    const created = await api.post('/api/v1/reviewers', {
      email: 'rita@handoff.test',
      name: 'Rita',
      password: 'password-1234',
      role: 'reviewer',
    });
    assert.equal(created.status, 201);
    const reviewer = await ApiClient.signIn(api.baseUrl, 'rita@handoff.test', 'password-1234');
    assert.equal((await reviewer.post('/api/v1/digest/send?date=2020-01-01')).status, 403, 'admins only');
    for (const bad of ['2020-1-1', 'yesterday', '2020-02-30', '']) {
      const response = await api.post(`/api/v1/digest/send?date=${bad}`);
      assert.equal(response.status, 400, bad);
    }
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.equal((await api.post(`/api/v1/digest/send?date=${tomorrow}`)).status, 422, 'a day that has not ended');
    assert.equal(await digestRow('2020-01-01'), undefined, 'nothing stored for refused requests');

    const response = await api.post('/api/v1/digest/send?date=2020-01-01');
    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.equal(DigestSchema.parse(response.body).date, '2020-01-01');
    const [mail] = await smtp.waitFor((mails) => mails.some((m) => m.subject.includes('digest for 2020-01-01:')));
    const overview = OverviewSchema.parse(
      (await api.get('/api/v1/stats/overview?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).body,
    );
    assertDigestMatches(digestsOf('2020-01-01')[0] ?? mail!, overview);
    // The seeded day, as the overview test pins it, plus this file's extras.
    const all = overview.rows[0]!;
    assert.deepEqual(
      [all.volume, all.autoSent, all.approvedUnedited, all.edited, all.rejected, all.pastDue],
      [5, 1, 1, 1, 1, 3],
    );
    assert.deepEqual([all.deliveriesFailed, all.deliveriesUncertain], [1, 1]);
    assert.deepEqual([all.llmPromptTokens, all.llmCompletionTokens, all.llmCostUsd], [500, 100, 0.00225]);
    await eventually(async () => ((await digestRow('2020-01-01'))?.status === 'sent' ? true : undefined), 'sent');
    await eventually(async () => (slackDigestsOf('2020-01-01').length === 1 ? true : undefined), 'the Slack post');

    // A second request re-sends it.
    assert.equal((await api.post('/api/v1/digest/send?date=2020-01-01')).status, 202);
    await eventually(async () => (digestsOf('2020-01-01').length === 2 ? true : undefined), 'the re-sent email');
    await eventually(async () => ((await digestRow('2020-01-01'))?.attempts === 2 ? true : undefined), 'attempt 2');
  });

  test('a day without traffic is skipped with a note, and nothing is sent', async () => {
    const before = smtp.list().length;
    assert.equal((await api.post('/api/v1/digest/send?date=2019-06-01')).status, 202);
    const row = await eventually(async () => {
      const found = await digestRow('2019-06-01');
      return found?.status === 'skipped' ? found : undefined;
    }, 'the skipped digest');
    assert.match(row.note!, /no traffic on 2019-06-01/);
    // Skipping is decided before anything is sent, and a skipped day is not claimed again unless re-sent.
    assert.equal(smtp.list().filter((mail) => mail.subject.includes('2019-06-01')).length, 0);
    assert.equal(slackDigestsOf('2019-06-01').length, 0);
    assert.equal(smtp.list().length, before);
  });
});
