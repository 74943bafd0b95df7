import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { startFakeOpenAIServer, triageResponder, type FakeOpenAIServer } from '@handoff/graphs/testing';
import { JOBS, QUEUES } from '../src/queue/jobs';
import { RunBusyError } from '../src/workflow/errors';
import { RunLeases } from '../src/workflow/run-leases.service';
import { WorkflowRunner } from '../src/workflow/workflow-runner.service';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { CONFIDENT_ORDER_STATUS } from './support/llm-script';
import { eventually, useWorldWithSmtp } from './support/test-service';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let llm: FakeOpenAIServer;
/** Answers for emails carrying this text wait until the test opens the gate. */
const HELD = 'hold-this-run';
let openGate: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (openGate = resolve));

const { world, smtp } = useWorldWithSmtp(async () => {
  const answer = triageResponder(CONFIDENT_ORDER_STATUS);
  llm = await startFakeOpenAIServer({
    responder: async (body) => {
      if (JSON.stringify(body).includes(HELD)) await gate;
      return answer(body);
    },
  });
});
after(() => {
  openGate();
  return llm.close();
});

const llmSettings = () => ({
  SMTP_URL: smtp.url,
  LLM_PROVIDER: 'openai',
  OPENAI_BASE_URL: llm.baseURL,
  OPENAI_API_KEY: llm.apiKey,
  LLM_MODEL: 'gpt-test',
});

const leaseOf = async (runId: string) =>
  (
    await world.query<{ lease_owner: string | null }>('SELECT lease_owner FROM workflow_runs WHERE id = $1', [runId])
  )[0]!.lease_owner;

test('two runners racing for one run: one executes, the other defers', async () => {
  const service = await world.start(llmSettings());
  const api = new ApiClient(service.url);
  const accepted = await api.post('/api/v1/events/email', orderStatusEmail({ text: `Where is my order? ${HELD}` }));
  const runId: string = accepted.body.runId;
  // The service's own job is inside the run, waiting on the model, and holds the lease.
  await eventually(
    async () => llm.requests.some((request) => JSON.stringify(request.body).includes(HELD)) || undefined,
    'the held run to reach the model',
  );
  assert.ok(await leaseOf(runId), 'the executing job holds the lease');

  const runner = service.app.get(WorkflowRunner);
  await assert.rejects(runner.execute(runId, { kind: 'start' }), RunBusyError);

  // Two more racing side by side on the lease itself: neither gets in while the job holds it.
  const leases = service.app.get(RunLeases);
  const attempt = () =>
    leases.withLease(
      runId,
      async () => 'executed',
      async () => 'deferred',
    );
  assert.deepEqual(await Promise.all([attempt(), attempt()]), ['deferred', 'deferred']);

  openGate();
  await api.waitForRun(runId, ['sent']);
  assert.equal(await leaseOf(runId), null, 'released at the end');
  const repeated = await world.query('SELECT node FROM run_steps WHERE run_id = $1 GROUP BY node HAVING count(*) > 1', [
    runId,
  ]);
  assert.deepEqual(repeated, [], 'one execution: every step ran once');

  // With the lease free, two racers: exactly one executes.
  const outcomes = await Promise.all([attempt(), attempt()]);
  assert.deepEqual(outcomes.sort(), ['deferred', 'executed']);
  await world.stop(service);
});

test("a crashed worker's lease holds its run back until it expires, then another worker takes it over", async () => {
  // The API accepts the email while no worker runs; a "crashed" worker's lease sits on the run.
  const apiOnly = await world.start({ ...llmSettings(), APP_ROLE: 'api' });
  const api = new ApiClient(apiOnly.url);
  const accepted = await api.post('/api/v1/events/email', orderStatusEmail({ text: 'Where is my parcel? takeover' }));
  const runId: string = accepted.body.runId;
  await world.query(
    `UPDATE workflow_runs SET lease_owner = 'crashed-worker', lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
    [runId],
  );

  const worker = await world.start({ ...llmSettings(), APP_ROLE: 'worker' });
  const queue = new Queue(QUEUES.workflow, { connection: { url: REDIS_URL }, prefix: world.redisPrefix });
  try {
    // The worker found the run held and parked its job instead of running it.
    const jobId = JOBS.startRun.jobId({ runId });
    await eventually(
      async () => (await queue.getJobState(jobId)) === 'delayed' || undefined,
      'the start job to be parked',
    );
    const run = await api.get(`/api/v1/runs/${runId}`);
    assert.equal(run.body.status, 'queued');
    assert.equal(llm.requests.filter((request) => JSON.stringify(request.body).includes('takeover')).length, 0);
    assert.equal(await leaseOf(runId), 'crashed-worker');

    // The crashed worker never renews: its lease runs out and the run proceeds.
    await world.query(`UPDATE workflow_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [runId]);
    await api.waitForRun(runId, ['sent']);
    assert.equal(await leaseOf(runId), null);
  } finally {
    await queue.close();
    await world.stop(worker);
    await world.stop(apiOnly);
  }
});
