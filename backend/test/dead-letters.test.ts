import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConflictBodySchema, DeadLetterPageSchema, ReplayResponseSchema } from '@handoff/contracts';
import { orderStatusEmail } from './support/emails';
import { ScriptedLlm, useWorldWithScriptedLlm } from './support/llm-script';

const llm = new ScriptedLlm();
const { world, smtp, context } = useWorldWithScriptedLlm(llm);

const repliesTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));

test('a run failed by the LLM is listed as a dead letter and a replay finishes it from its checkpoint', async () => {
  const token = randomUUID();
  llm.fail(token, 400);
  const accepted = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'dead@customer.example' }, text: `Where is my order #48213? ${token}` }),
  );
  const failed = await context.api.waitForRun(accepted.body.runId, ['failed']);
  const listed = DeadLetterPageSchema.parse((await context.api.get('/api/v1/dead-letters')).body);
  const entry = listed.items.find((item) => item.runId === failed.id);
  assert.ok(entry, 'the failed run is listed');
  assert.equal(entry.failedStep, 'classify');
  assert.match(entry.error ?? '', /400/);

  const replay = await context.api.post(`/api/v1/runs/${failed.id}/replay`);
  assert.equal(replay.status, 202);
  assert.deepEqual(ReplayResponseSchema.parse(replay.body), { runId: failed.id, status: 'queued' });
  const run = await context.api.waitForRun(failed.id, ['sent']);
  assert.equal(run.error, null);
  assert.equal(repliesTo('dead@customer.example').length, 1);
  const again = await context.api.post(`/api/v1/runs/${failed.id}/replay`);
  assert.equal(again.status, 409, 'only failed runs replay');
  assert.match(ConflictBodySchema.parse(again.body).message, /is sent, not failed/);
});

test('a reply the SMTP server refused is sent again on replay, once', async () => {
  smtp.refuseNext(1, 554, 'transaction failed');
  const accepted = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'refused@customer.example' } }),
  );
  await context.api.waitForRun(accepted.body.runId, ['failed']);
  assert.equal(repliesTo('refused@customer.example').length, 0);
  const replay = await context.api.post(`/api/v1/runs/${accepted.body.runId}/replay`);
  assert.equal(replay.status, 202);
  assert.deepEqual(ReplayResponseSchema.parse(replay.body), { runId: accepted.body.runId, status: 'sending' });
  await context.api.waitForRun(accepted.body.runId, ['sent']);
  await world.queuesDrained();
  assert.equal(repliesTo('refused@customer.example').length, 1);
});

test('a reply whose outcome is unknown is never replayed', async () => {
  const accepted = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'unknown@customer.example' } }),
  );
  const run = await context.api.waitForRun(accepted.body.runId, ['sent']);
  // Simulate what a sender killed mid-SMTP leaves behind: a row stuck in `sending`.
  await world.query(`UPDATE outbound_messages SET status = 'uncertain' WHERE run_id = $1`, [run.id]);
  await world.query(`UPDATE workflow_runs SET status = 'failed' WHERE id = $1`, [run.id]);
  const replay = await context.api.post(`/api/v1/runs/${run.id}/replay`);
  assert.equal(replay.status, 422);
  assert.match(replay.body.message, /never replayed/);
  assert.equal(repliesTo('unknown@customer.example').length, 1);
});
