import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { RunDetailsSchema, UncertainDeliveryPageSchema } from '@handoff/contracts';
import { Stack, waitUntil } from './harness';

const stack = new Stack();
before(async () => {
  await stack.start();
});
after(async () => {
  await stack.stop();
});

/**
 * Leaves an auto-answered reply as a crashed sender would after the hand-over: `sending` with its
 * marker, an hour ago. The sweeper re-queues its delivery job, which finds it so and marks it uncertain.
 */
async function uncertainReply(address: string): Promise<string> {
  const accepted = await stack.api<{ runId: string }>('POST', '/api/v1/events/email', {
    from: { address, name: 'Una Certain' },
    to: [{ address: 'support@handoff.test' }],
    subject: 'Where is my order #48213?',
    text: 'Hi, I ordered a lamp last week, order #48213, and it still has not arrived. Can you tell me where my order is and when it will be delivered? Thanks, Una',
    messageId: `<ui-uncertain-${address}>`,
  });
  assert.equal(accepted.status, 202);
  const runId = accepted.body.runId;
  await waitUntil(async () => {
    const run = await stack.read(`/api/v1/runs/${runId}`, RunDetailsSchema);
    return run.status === 'sent' ? true : undefined;
  }, 'the reply is sent');
  await stack.world.query(
    `UPDATE outbound_messages SET status = 'sending', committed_at = now() - interval '1 hour',
       claimed_at = now() - interval '1 hour', sent_at = NULL WHERE run_id = $1`,
    [runId],
  );
  await stack.world.query(`UPDATE workflow_runs SET status = 'sending', finished_at = NULL WHERE id = $1`, [runId]);
  // The sweeper finds the long-stuck `sending` row and queues its delivery job again, as after a lost job.
  await waitUntil(async () => {
    const run = await stack.read(`/api/v1/runs/${runId}`, RunDetailsSchema);
    return run.status === 'delivery_uncertain' ? true : undefined;
  }, 'the run waits as delivery_uncertain');
  return runId;
}

describe('uncertain deliveries page in Chromium', () => {
  test('an admin sees the uncertain reply with its context, axe-clean, and marks it sent', async () => {
    const runId = await uncertainReply('una@customer.example');
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Uncertain deliveries' }).waitFor();
    const row = page.getByRole('row', { name: /una@customer\.example/ });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Re: Where is my order #48213\?/);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      serious.map((v) => v.id),
      [],
    );
    await row.getByRole('button', { name: 'Mark sent: reply to una@customer.example' }).click();
    await page.getByRole('status').filter({ hasText: 'marked sent' }).waitFor();
    await page.getByText('No uncertain deliveries').waitFor();
    await waitUntil(async () => {
      const run = await stack.read(`/api/v1/runs/${runId}`, RunDetailsSchema);
      return run.status === 'sent' ? true : undefined;
    }, 'the run is sent');
    const queue = await stack.read('/api/v1/deliveries?status=uncertain', UncertainDeliveryPageSchema);
    assert.equal(queue.items.length, 0);
    await context.close();
  });
});
