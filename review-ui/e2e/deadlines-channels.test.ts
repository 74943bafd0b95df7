import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { QueuePageSchema, RunDetailsSchema } from '@handoff/contracts';
import { complaint, HELPDESK_SECRETS, Stack, standardWebhookHeaders, TestClock, waitUntil } from './harness';

const DUE_MINUTES = 60;
const clock = new TestClock();
// Its own stack: a clock moved by hours and deadlines every 200 ms would disturb the other suites' reviews.
const stack = new Stack({
  clock,
  env: {
    REVIEW_DUE_MINUTES: String(DUE_MINUTES),
    REVIEW_DEADLINE_ACTION: 'escalate',
    SWEEP_INTERVAL_MS: '200',
    WEBHOOK_SOURCES: JSON.stringify({ helpdesk: { secrets: HELPDESK_SECRETS, reply: { channel: 'none' } } }),
  },
});

before(() => stack.start());
after(() => stack.stop());

/** Posts a signed Standard Webhooks ticket and waits for its review. */
async function webhookReview(email: Record<string, unknown>): Promise<{ reviewId: string; subject: string }> {
  const body = JSON.stringify({ type: 'ticket.created', data: email });
  const response = await fetch(`${stack.backendUrl}/api/v1/webhooks/helpdesk`, {
    method: 'POST',
    headers: standardWebhookHeaders(HELPDESK_SECRETS[0]!, body),
    body,
  });
  assert.equal(response.status, 202, await response.clone().text());
  const { runId } = (await response.json()) as { runId: string };
  const reviewId = await waitUntil(async () => {
    const run = await stack.read(`/api/v1/runs/${runId}`, RunDetailsSchema);
    return run.status === 'awaiting_review' && run.reviewId ? run.reviewId : undefined;
  }, `webhook run ${runId} to await review`);
  return { reviewId, subject: email.subject as string };
}

const channelOptions = (page: Page) => page.getByLabel('Channel').locator('option').allTextContents();

async function apply(page: Page, url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url), page.getByRole('button', { name: 'Apply' }).click()]);
}

const total = async (page: Page) =>
  ((await page.getByRole('navigation', { name: 'Counts by category' }).locator('p').textContent()) ?? '').trim();

/** Subject → [channel cell, badges] of each row shown. */
async function rows(page: Page): Promise<Record<string, [string, string[]]>> {
  const shown: Record<string, [string, string[]]> = {};
  for (const row of await page.locator('table.queue tbody tr').all()) {
    const subject = (await row.locator('a.row-link').textContent())!.trim();
    shown[subject] = [
      (await row.locator('td:nth-child(4)').textContent())!.trim(),
      await row.locator('.badge').allTextContents(),
    ];
  }
  return shown;
}

describe('channels and deadlines in the queue', () => {
  test('a webhook-started review shows channel Webhook; the channel filter offers the channels that exist, with counts', async () => {
    const hooked = await webhookReview(complaint());
    const mailEmail = complaint();
    await stack.pendingReview(mailEmail);
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/queue`);
    assert.deepEqual(await rows(page), {
      [hooked.subject]: ['Webhook', []],
      [mailEmail.subject]: ['Email', []],
    });
    assert.deepEqual(await channelOptions(page), ['Any (2)', 'Email (1)', 'Webhook (1)']);
    await page.getByLabel('Channel').selectOption({ label: 'Webhook (1)' });
    await apply(page, /channel=webhook/);
    assert.equal(await total(page), '1 review matches.');
    assert.deepEqual(Object.keys(await rows(page)), [hooked.subject]);
    // The channel's own counts ignore the channel filter: email stays one choice away.
    assert.deepEqual(await channelOptions(page), ['Any (2)', 'Email (1)', 'Webhook (1)']);
    await page.getByLabel('Channel').selectOption({ label: 'Email (1)' });
    await apply(page, /channel=email/);
    assert.deepEqual(Object.keys(await rows(page)), [mailEmail.subject]);
    await context.close();
  });

  test('past its deadline a review is escalated: badge in the queue, and the Deadline filter finds it', async () => {
    const before = (await stack.read('/api/v1/reviews?limit=200', QueuePageSchema)).items;
    clock.advanceMinutes(DUE_MINUTES + 1);
    await waitUntil(async () => {
      const escalated = await stack.read('/api/v1/reviews?escalated=true', QueuePageSchema);
      return escalated.counts.total === before.length ? true : undefined;
    }, 'the deadline sweep to escalate the open reviews');
    // Opened after the clock moved: due an hour from now, not escalated.
    const fresh = complaint();
    await stack.pendingReview(fresh);

    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/queue`);
    const shown = await rows(page);
    assert.deepEqual(shown[fresh.subject]?.[1], []);
    for (const { subject } of before) assert.deepEqual(shown[subject]?.[1], ['escalated'], subject);

    await page.locator('select[name=escalated]').selectOption({ label: 'Escalated (admin queue)' });
    await apply(page, /escalated=true/);
    assert.equal(await total(page), `${before.length} reviews match.`);
    assert.deepEqual(Object.keys(await rows(page)).sort(), before.map((item) => item.subject).sort());
    // Combined with the channel filter, whose counts follow the deadline filter.
    assert.deepEqual(await channelOptions(page), [`Any (${before.length})`, 'Email (1)', 'Webhook (1)']);
    await page.getByLabel('Channel').selectOption({ label: 'Webhook (1)' });
    await apply(page, /channel=webhook/);
    assert.equal(await total(page), '1 review matches.');

    await page.locator('select[name=escalated]').selectOption({ label: 'Not escalated' });
    await page.getByLabel('Channel').selectOption({ value: '' });
    await apply(page, /escalated=false/);
    assert.deepEqual(Object.keys(await rows(page)), [fresh.subject]);
    await context.close();
  });
});
