import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startFakeOpenAIServer, type FakeOpenAIResponder, type FakeOpenAIServer } from '@handoff/graphs/testing';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { ScriptedLlm } from './support/llm-script';
import { eventually, useWorldWithSmtp } from './support/test-service';
import { WorkerProcess } from './support/worker-process';

const EVENTS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every LLM call takes a while, so the worker is busy with several runs when the signal comes.
const llm = new ScriptedLlm();
const slowLlm: FakeOpenAIResponder = async (body) => {
  await sleep(400);
  return llm.responder(body);
};

let api: ApiClient;
let server: FakeOpenAIServer;
const { world, smtp } = useWorldWithSmtp(async () => {
  server = await startFakeOpenAIServer({ responder: slowLlm });
  api = new ApiClient((await world.start({ APP_ROLE: 'api' })).url);
});
after(() => server?.close());

test(
  'SIGTERM to a busy worker: it exits 0, its runs finish (there or on another worker), none lost or doubled',
  {
    timeout: 180_000,
  },
  async () => {
    const env = {
      SMTP_URL: smtp.url,
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: server.apiKey,
      SWEEP_INTERVAL_MS: '500',
      WORKER_CONCURRENCY: '4',
    };
    const [stopping, staying] = [new WorkerProcess(world, env), new WorkerProcess(world, env)];
    stopping.start();
    staying.start();
    try {
      const posted: { runId: string; messageId: string }[] = [];
      for (let index = 0; index < EVENTS; index += 1) {
        const messageId = `<${randomUUID()}@customer.example>`;
        const accepted = await api.post('/api/v1/events/email', orderStatusEmail({ messageId }));
        assert.equal(accepted.status, 202);
        posted.push({ runId: accepted.body.runId, messageId });
      }
      await eventually(
        async () => {
          const [row] = await world.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM workflow_runs WHERE status = 'running'`,
          );
          return row!.n >= 4 ? true : undefined;
        },
        'both workers busy',
        60_000,
      ); // two worker processes booting beside other test files

      stopping.kill('SIGTERM');
      assert.equal(await stopping.exited(30_000), 0, 'the worker exits 0 within 30 s');

      for (const { runId } of posted) await api.waitForRun(runId, ['sent'], 120_000);
      await world.queuesDrained();
      for (const { messageId } of posted) {
        assert.equal(smtp.list().filter((mail) => mail.inReplyTo === messageId).length, 1, `one reply to ${messageId}`);
      }
    } finally {
      for (const worker of [stopping, staying]) {
        if (worker.running) {
          worker.kill('SIGTERM');
          await worker.exited().catch(() => worker.kill('SIGKILL'));
        }
      }
    }
  },
);
