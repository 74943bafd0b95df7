import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ModelListSchema, type ModelList, type ModelVersion } from '@handoff/contracts';
import type { RunningService } from '../src/bootstrap';
import { MailCatcher } from '../src/delivery/mail-catcher';
import { RetrainPipeline } from '../src/models/retrain-pipeline.service';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { eventually, TestWorld } from './support/test-service';

/**
 * The offline model learns from the team, end to end on the real stack (Postgres, Redis, SMTP on loopback, the
 * local model): a scripted reviewer corrects a kind of email the shipped model gets wrong; a retrain promotes a
 * model that now classifies that kind right; a control run on shuffled labels is rejected and the active model
 * stays; a failure injected (in Postgres) into the train stage is retried, then recorded, and the old model keeps
 * serving; two app instances swap on pg_notify; an admin rolls back over the API.
 */
const world = new TestWorld();
const smtp = new MailCatcher();
const context = {
  api: undefined as unknown as ApiClient,
  other: undefined as unknown as ApiClient,
  service: undefined as unknown as RunningService,
};

before(async () => {
  await world.setUp();
  await smtp.start();
  const settings = {
    SMTP_URL: smtp.url,
    MODEL_RETRAIN_CRON: 'off',
    MODEL_RETRAIN_MIN_NEW_LABELS: '12',
    MODEL_MIN_HOLDOUT: '3',
    MODEL_HOLDOUT_SHARE: '0.25',
  };
  const service = await world.start(settings);
  context.service = service;
  // A second instance on the same database: it hears activations only through pg_notify.
  const other = await world.start({ ...settings, APP_ROLE: 'api' });
  context.api = new ApiClient(service.url);
  context.other = new ApiClient(other.url);
});
after(async () => {
  await world.tearDown();
  await smtp.stop();
});

/** A loyalty-points question, a kind the shipped examples never show; the team files it under account_access
 * (member accounts), where the shipped model never puts it. */
const WORDINGS = [
  (n: number) =>
    `Hi, my Brightpoints balance shows ${n * 7} points less than it should after my last visit. Could you check the Brightpoints ledger? Member ${1000 + n}`,
  (n: number) =>
    `Hello, the Brightpoints from my visit on the ${(n % 27) + 1}th never showed up on my member card ${2000 + n}. Where did my Brightpoints go?`,
  (n: number) =>
    `Good morning, I wanted to spend my Brightpoints today but the member balance is stuck at ${n * 3}. Can someone look at the ledger for card ${3000 + n}?`,
];
let sent = 0;
async function sendBrightpoints(): Promise<string> {
  sent += 1;
  const text = WORDINGS[sent % WORDINGS.length]!(sent);
  const response = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ subject: `Brightpoints balance question ${sent}`, text }),
  );
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body.runId;
}

async function classified(runId: string): Promise<{ category: string; version: number | null; reviewId: string }> {
  const run = await context.api.waitForRun(runId, ['awaiting_review', 'sending', 'sent'], 30_000);
  return { category: run.classification.category, version: run.modelVersion, reviewId: run.reviewId };
}

async function models(api = context.api): Promise<ModelList> {
  const response = await api.get('/api/v1/models');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return ModelListSchema.parse(response.body);
}

async function pipelineOf(version: number): Promise<ModelVersion> {
  return eventually(
    async () => {
      const item = (await models()).items.find((model) => model.version === version);
      return item && item.pipeline !== 'running' ? item : undefined;
    },
    `the pipeline of version ${version} to end`,
    60_000,
  );
}

/** What the schedule's job does when MODEL_RETRAIN_CRON fires (the cron itself is BullMQ's). */
const scheduledRun = () => context.service.app.get(RetrainPipeline).scheduled();

/** First-round labels the learned gate counts, over all categories. */
async function calibrationEvidence(): Promise<number> {
  const response = await context.api.get('/api/v1/calibration');
  return (response.body.categories as { evidence: number }[]).reduce((sum, row) => sum + row.evidence, 0);
}

async function retrain(body: unknown = {}): Promise<number> {
  const response = await context.api.post('/api/v1/models/retrain', body);
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body.version;
}

describe('the offline model learns from reviewer corrections', () => {
  test('corrections → a scheduled retrain promotes a model that classifies that kind right; both instances swap', async () => {
    const before = await models();
    assert.equal(before.active, 1);
    assert.equal(before.items[0]?.trigger, 'shipped');

    assert.equal(await scheduledRun(), 'skipped: 0 new labels, fewer than 12');

    const runs = await Promise.all(Array.from({ length: 12 }, () => sendBrightpoints()));
    for (const runId of runs) {
      const run = await classified(runId);
      assert.equal(run.version, 1, 'classified by the shipped model');
      assert.notEqual(run.category, 'account_access', 'the shipped model gets this kind wrong (the premise)');
      const corrected = await context.api.post(`/api/v1/reviews/${run.reviewId}/category`, {
        category: 'account_access',
      });
      assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    }

    // Twelve new labels reach MODEL_RETRAIN_MIN_NEW_LABELS: the scheduled run starts a pipeline.
    assert.equal(await scheduledRun(), 'started version 2 on 12 new labels');
    const model = await pipelineOf(2);
    assert.equal(model.trigger, 'schedule');
    assert.equal(model.status, 'active', model.reason ?? '');
    assert.equal(model.pipeline, 'finished');
    assert.deepEqual(Object.keys(model.stages).sort(), ['collect', 'evaluate', 'promote', 'register', 'train']);
    assert.equal(model.trainingCounts.account_access!.traffic, 9, '12 labelled runs: 9 trained on, 3 held out');
    const metrics = model.metrics!;
    assert.equal(metrics.holdout.examples, 3);
    assert.equal(metrics.baseline.version, 1);
    assert.equal(metrics.baseline.holdout.recall.account_access, 0);
    assert.equal(metrics.holdout.recall.account_access, 1);

    // Both instances serve version 2 without a restart; a new email of that kind is now account_access, by version 2.
    for (const api of [context.api, context.other]) {
      await eventually(async () => ((await models(api)).serving === 2 ? true : undefined), 'the swap to version 2');
    }
    // The learned gate relearns per version: version 2 has classified no labelled run yet.
    assert.equal(await calibrationEvidence(), 0);
    const after = await classified(await sendBrightpoints());
    assert.deepEqual([after.category, after.version], ['account_access', 2]);

    const [mail] = await smtp.waitFor((mails) => mails.some((m) => m.subject === 'Handoff model v2 promoted'));
    assert.ok(mail);
    const promoted = smtp.list().find((m) => m.subject === 'Handoff model v2 promoted')!;
    assert.match(promoted.text, /macro-F1/);
    assert.match(promoted.text, /account_access .*\(\+9 from traffic\)/);
  });

  test('a control candidate trained on shuffled labels is rejected and the active model stays', async () => {
    const version = await retrain({ control: 'shuffled-labels' });
    const model = await pipelineOf(version);
    assert.equal(model.status, 'rejected');
    assert.equal(model.control, 'shuffled-labels');
    assert.match(model.reason!, /holdout macro-F1|recall/);
    assert.equal(model.stages.promote, undefined);
    assert.equal((await models()).active, 2);
    await smtp.waitFor((mails) => mails.some((m) => m.subject === `Handoff model v${version} rejected`));
  });

  test('a failure in train is retried, then recorded with the stage; the old model keeps serving', async () => {
    // A real database failure at the process boundary: Postgres refuses the train stage's start.
    await world.query(`CREATE FUNCTION refuse_train() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected: disk full'; END $$`);
    await world.query(`CREATE TRIGGER refuse_train BEFORE UPDATE ON model_versions FOR EACH ROW
      WHEN (NEW.stages->'train'->>'status' = 'running') EXECUTE FUNCTION refuse_train()`);
    try {
      const version = await retrain();
      const model = await pipelineOf(version);
      assert.equal(model.pipeline, 'failed');
      assert.equal(model.status, 'rejected');
      assert.equal(model.failedStage, 'train');
      assert.equal(model.stages.train?.status, 'failed');
      assert.equal(model.stages.train?.attempts, 3, 'retried with backoff, then recorded');
      assert.match(model.reason!, /stage train failed after 3 attempts: .*injected: disk full/);
      assert.equal((await models()).active, 2);
      const run = await classified(await sendBrightpoints());
      assert.deepEqual([run.category, run.version], ['account_access', 2], 'version 2 keeps serving');
      const metrics = await context.api.get('/metrics');
      assert.match(String(metrics.body), /handoff_model_pipeline_failures_total\{stage="train"\} 1/);
    } finally {
      await world.query('DROP TRIGGER refuse_train ON model_versions');
      await world.query('DROP FUNCTION refuse_train()');
    }
  });

  test('rollback over the API: audited, both instances swap back, bad requests are refused', async () => {
    assert.equal((await context.api.post('/api/v1/models/abc/activate')).status, 400);
    assert.equal((await context.api.post('/api/v1/models/99/activate')).status, 404);
    assert.equal((await context.api.post('/api/v1/models/retrain', { control: 'nonsense' })).status, 400);

    const response = await context.api.post('/api/v1/models/1/activate');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.status, 'active');
    for (const api of [context.api, context.other]) {
      await eventually(async () => ((await models(api)).serving === 1 ? true : undefined), 'the swap back to 1');
    }
    const listed = await models();
    assert.equal(listed.items.find((model) => model.version === 2)?.status, 'retired');
    const audit = await world.query<{ action: string; data: { version: number; previous: number } }>(
      `SELECT action, data FROM audit_log WHERE entity_type = 'model' AND action = 'model.activated'`,
    );
    assert.deepEqual(
      audit.map(({ data }) => [data.version, data.previous]),
      [[1, 2]],
    );
    assert.equal(await calibrationEvidence(), 12, "version 1's twelve first-round labels count again");
    const run = await classified(await sendBrightpoints());
    assert.equal(run.version, 1);
  });
});
