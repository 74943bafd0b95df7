import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderStatusEmail } from './support/emails';
import { ScriptedLlm, useWorldWithScriptedLlm } from './support/llm-script';

const llm = new ScriptedLlm();
const { smtp, context } = useWorldWithScriptedLlm(llm, {
  LLM_RETRY_INITIAL_DELAY_MS: '20',
  LLM_BREAKER_THRESHOLD: '2',
  LLM_BREAKER_HALF_OPEN_MS: '300',
  LLM_OUTAGE_REVIEW_AFTER_MS: '1500',
});

test('a message that outlives an LLM outage goes to a person with no draft and a note saying why', async () => {
  llm.down = true;
  const accepted = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ from: { address: 'outage@customer.example' } }),
  );
  const run = await context.api.waitForRun(accepted.body.runId, ['awaiting_review'], 20_000);
  assert.equal(run.draft, null);
  assert.equal(run.confidence, 0);
  assert.ok(run.confidenceReasons.some((reason: string) => /language model was unavailable/.test(reason)));
  assert.ok(run.reviewReasons.includes('low_confidence'));

  const approve = await context.api.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'approve' });
  assert.equal(approve.status, 422, 'an empty draft cannot be approved');
  const reply = 'Hello,\n\nYour order ships today.\n\nSupport';
  assert.equal(
    (await context.api.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'edit', text: reply })).status,
    200,
  );
  await context.api.waitForRun(run.id, ['sent']);
  const mails = await smtp.waitFor((all) => all.some((mail) => mail.envelopeTo.includes('outage@customer.example')));
  assert.equal(mails.filter((mail) => mail.envelopeTo.includes('outage@customer.example')).length, 1);
});
