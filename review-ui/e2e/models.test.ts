import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { ModelListSchema } from '@handoff/contracts';
import { ROOT, Stack, waitUntil } from './harness';

const stack = new Stack();
before(async () => {
  await stack.start();
});
after(async () => {
  await stack.stop();
});

const score = (macroF1: number, recall: Record<string, number>) => ({
  examples: 40,
  accuracy: macroF1,
  macroF1,
  recall,
  support: Object.fromEntries(Object.keys(recall).map((key) => [key, 20])),
});

/**
 * A version the gate rejected, as the pipeline records one (its weights: the shipped model's file), so the page
 * has metrics to set side by side and a version to activate without training in the UI test.
 */
async function rejectedVersion(): Promise<void> {
  const weights = readFileSync(join(ROOT, 'graphs/dist/llm/local/model.json'));
  const metrics = {
    holdout: score(0.81, { billing: 0.9, shipping: 0.7 }),
    eval: score(0.9, { billing: 0.93, shipping: 0.88 }),
    baseline: {
      version: 1,
      holdout: score(0.8, { billing: 0.8, shipping: 0.8 }),
      eval: score(0.91, { billing: 0.93, shipping: 0.9 }),
    },
  };
  await stack.world.query(
    `INSERT INTO model_versions (version, id, status, pipeline, trigger, triggered_by, training_counts, metrics, reason, weights, finished_at)
     VALUES (2, gen_random_uuid(), 'rejected', 'finished', 'admin', 'admin@handoff.test', $1, $2, $3, $4, now())`,
    [
      JSON.stringify({ billing: { traffic: 30, shipped: 400 }, shipping: { traffic: 10, shipped: 380 } }),
      JSON.stringify(metrics),
      'holdout macro-F1 0.810 vs active 0.800: gain 0.010 is below the margin 0.020',
      weights,
    ],
  );
}

describe('models page in Chromium', () => {
  test('an admin sees versions and metrics side by side, axe-clean, and activates one', async () => {
    await rejectedVersion();
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /^v2 / });
    assert.match((await row.textContent()) ?? '', /rejected.*40 labelled runs \+ 780 shipped.*below the margin/);
    const comparison = page.getByRole('table', { name: /Version 2 against version 1/ });
    assert.match((await comparison.getByRole('row', { name: /Holdout macro-F1/ }).textContent()) ?? '', /80\.0%81\.0%/);
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      serious.map((v) => v.id),
      [],
    );
    await row.getByRole('button', { name: 'Activate v2' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 is active.' }).waitFor();
    await waitUntil(async () => {
      const models = await stack.read('/api/v1/models', ModelListSchema);
      return models.active === 2 && models.serving === 2 ? true : undefined;
    }, 'version 2 active and serving');
    await page.getByRole('button', { name: 'Activate v1' }).waitFor();
    await context.close();
  });
});
