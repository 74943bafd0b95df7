import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { orderStatusEmail } from './support/emails';
import { ScriptedLlm, useWorldWithScriptedLlm } from './support/llm-script';
import { eventually } from './support/test-service';

const llm = new ScriptedLlm();
const { context } = useWorldWithScriptedLlm(llm, {
  LLM_TIMEOUT_MS: '700',
  LLM_MAX_ATTEMPTS: '3',
  LLM_RETRY_INITIAL_DELAY_MS: '20',
  LLM_BREAKER_THRESHOLD: '4',
  LLM_BREAKER_HALF_OPEN_MS: '400',
});

/** Posts an email carrying a unique token the scripted LLM keys its faults on. */
async function postWithToken(token: string) {
  const accepted = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ text: `Where is my order #48213? ref ${token}` }),
  );
  assert.equal(accepted.status, 202);
  return accepted.body.runId as string;
}
const requestsFor = (token: string) =>
  context.server.requests.filter((request) => JSON.stringify(request.body).includes(token)).length;

describe('LLM failures', () => {
  for (const [label, faults] of [
    ['a 500 then a 429', [500, 429]],
    ['garbage JSON', ['garbage']],
    ['a timeout', ['slow']],
  ] as const) {
    test(`${label} is retried with backoff and the run completes`, async () => {
      const token = randomUUID();
      llm.fail(token, ...faults);
      const run = await context.api.waitForRun(await postWithToken(token), ['sent']);
      assert.equal(run.classification.category, 'order_status');
      assert.equal(requestsFor(token), 2 + faults.length, 'classify and draft, plus one retry per fault');
    });
  }

  test('a 400 is not retried: the run fails at once with the reason and the step', async () => {
    const token = randomUUID();
    llm.fail(token, 400);
    const run = await context.api.waitForRun(await postWithToken(token), ['failed']);
    assert.match(run.error, /refused.*scripted 400/);
    assert.equal(run.failedStep, 'classify');
    assert.equal(requestsFor(token), 1);
  });

  test('while the LLM is down the breaker opens, runs wait instead of burning retries, and finish after recovery', async () => {
    llm.down = true;
    const tokens = [randomUUID(), randomUUID(), randomUUID()];
    const runIds = [];
    for (const token of tokens) runIds.push(await postWithToken(token));
    const circuit = async () =>
      /handoff_llm_circuit_state\{model="openai:[^"]+"\} (\d)/.exec((await context.api.get('/metrics')).body)?.[1];
    const open = async () => ['1', '2'].includes((await circuit()) ?? '');
    await eventually(async () => (await open()) || undefined, 'the breaker to open');
    const duringOutage = context.server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // With the breaker open only a trial call per half-open period gets through.
    assert.ok(
      context.server.requests.length - duringOutage <= 8,
      `${context.server.requests.length - duringOutage} calls while open`,
    );
    for (const runId of runIds) {
      const run = (await context.api.get(`/api/v1/runs/${runId}`)).body;
      assert.ok(!['failed', 'sent'].includes(run.status), `run waits (${run.status})`);
    }
    assert.ok(await open(), 'the breaker is open (or half-open) while the LLM is down');
    llm.down = false;
    for (const runId of runIds) await context.api.waitForRun(runId, ['sent'], 30_000);
    assert.equal(await circuit(), '0', 'and closed again once calls succeed');
  });
});
