import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { startFakeOpenAIServer, triageResponder, type FakeOpenAIServer } from '@handoff/graphs/testing';
import { PoolBudget } from '../src/database/pool-budget';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { CONFIDENT_ORDER_STATUS } from './support/llm-script';
import { eventually, useWorldWithSmtp } from './support/test-service';

const EMAILS = 60;
const LLM_DELAY_MS = 300;

let llm: FakeOpenAIServer;
let api: ApiClient;

// Far more runs at once than connections in either pool, each waiting on a slow model: with a connection
// held across a run this froze the worker and the API beside it.
const { world, smtp } = useWorldWithSmtp(async () => {
  const answer = triageResponder(CONFIDENT_ORDER_STATUS);
  llm = await startFakeOpenAIServer({
    responder: async (body) => {
      await new Promise((resolve) => setTimeout(resolve, LLM_DELAY_MS));
      return answer(body);
    },
  });
  const service = await world.start({
    SMTP_URL: smtp.url,
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_API_KEY: llm.apiKey,
    LLM_MODEL: 'gpt-test',
    WORKER_CONCURRENCY: '40',
    LLM_MAX_CONCURRENCY: '40',
    DATABASE_POOL_SIZE: '5',
    CHECKPOINT_POOL_SIZE: '5',
  });
  api = new ApiClient(service.url);
});
after(() => llm.close());

test('a worker far above its pool sizes finishes every run while the API keeps answering', async () => {
  const runIds: string[] = [];
  for (let index = 0; index < EMAILS; index += 1) {
    const accepted = await api.post(
      '/api/v1/events/email',
      orderStatusEmail({ from: { address: `customer${index}@customer.example` } }),
    );
    assert.equal(accepted.status, 202);
    runIds.push(accepted.body.runId);
  }

  const anonymous = new ApiClient(api.baseUrl, null);
  const probes: number[] = [];
  let finished = false;
  const probing = (async () => {
    while (!finished) probes.push((await anonymous.get('/health/ready')).status);
  })();
  try {
    await eventually(
      async () => {
        const [row] = await world.query<{ done: number }>(
          `SELECT count(*)::int AS done FROM workflow_runs WHERE status IN ('sent', 'failed')`,
        );
        return row!.done === EMAILS || undefined;
      },
      `${EMAILS} runs to finish`,
      120_000,
    );
  } finally {
    finished = true;
    await probing;
  }

  for (const runId of runIds) assert.equal((await api.get(`/api/v1/runs/${runId}`)).body.status, 'sent', runId);
  assert.equal(smtp.list().length, EMAILS, 'one reply per email');
  assert.ok(probes.length > 0, 'the API was probed while runs executed');
  assert.deepEqual(
    probes.filter((status) => status !== 200),
    [],
    'every readiness probe succeeded',
  );
  const [leases] = await world.query<{ held: number }>(
    'SELECT count(*)::int AS held FROM workflow_runs WHERE lease_owner IS NOT NULL',
  );
  assert.equal(leases!.held, 0, 'every lease was released');
});

test('boot refuses pools that PostgreSQL cannot hold at once', async () => {
  const service = await world.start({ APP_ROLE: 'api' });
  try {
    const [server] = await world.query<{ usable: number }>(
      `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int AS usable`,
    );
    const check = (settings: Record<string, string>) =>
      new PoolBudget(service.app.get(DataSource), world.config(settings)).onModuleInit();
    await assert.rejects(
      check({ APP_ROLE: 'worker', DATABASE_POOL_SIZE: String(server!.usable), CHECKPOINT_POOL_SIZE: '1' }),
      /DATABASE_POOL_SIZE \+ CHECKPOINT_POOL_SIZE = \d+ connections, but PostgreSQL accepts at most \d+/,
    );
    // The API role opens no checkpointer pool, so the same size fits there.
    await check({ APP_ROLE: 'api', DATABASE_POOL_SIZE: String(server!.usable), CHECKPOINT_POOL_SIZE: '1' });
  } finally {
    await world.stop(service);
  }
});
