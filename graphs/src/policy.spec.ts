import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTriagePolicy, DEFAULT_TAXONOMY } from './policy';

describe('createTriagePolicy', () => {
  test('defaults: taxonomy, 0.8 threshold, legal/security/complaint reviewed, 3 redrafts', () => {
    const policy = createTriagePolicy();
    assert.deepEqual(policy.taxonomy, DEFAULT_TAXONOMY);
    assert.equal(policy.taxonomy.length, 12);
    assert.equal(policy.autoSendThreshold('billing'), 0.8);
    assert.equal(policy.maxRedrafts, 3);
    for (const category of ['legal', 'security', 'complaint']) assert.equal(policy.alwaysReview(category), true);
    for (const category of ['billing', 'order_status', 'other']) assert.equal(policy.alwaysReview(category), false);
  });

  test('per-category thresholds win over "default", which wins over defaultThreshold', () => {
    const policy = createTriagePolicy({ thresholds: { billing: 0.95, default: 0.7 }, defaultThreshold: 0.9 });
    assert.equal(policy.autoSendThreshold('billing'), 0.95);
    assert.equal(policy.autoSendThreshold('shipping'), 0.7);
    assert.equal(createTriagePolicy({ defaultThreshold: 0.9 }).autoSendThreshold('shipping'), 0.9);
  });

  test('a category named like an Object member still gets a number', () => {
    assert.equal(createTriagePolicy().autoSendThreshold('constructor'), 0.8);
  });

  test('explicit alwaysReview replaces the defaults', () => {
    const policy = createTriagePolicy({ alwaysReview: ['billing'] });
    assert.equal(policy.alwaysReview('billing'), true);
    assert.equal(policy.alwaysReview('legal'), false);
  });

  test('categories outside the taxonomy always go to review', () => {
    assert.equal(createTriagePolicy().alwaysReview('made_up'), true);
  });

  test('a custom taxonomy keeps only the default review categories it has', () => {
    const policy = createTriagePolicy({
      taxonomy: [
        { key: 'sales', description: 'Buying' },
        { key: 'security', description: 'Threats' },
      ],
    });
    assert.equal(policy.alwaysReview('security'), true);
    assert.equal(policy.alwaysReview('sales'), false);
  });

  test('rejects config that does not fit the taxonomy or the limits', () => {
    assert.throws(() => createTriagePolicy({ thresholds: { biling: 0.9 } }), /not a taxonomy category/);
    assert.throws(() => createTriagePolicy({ alwaysReview: ['lawyers'] }), /not a taxonomy category/);
    assert.throws(() => createTriagePolicy({ thresholds: { billing: 1.5 } }));
    assert.throws(() => createTriagePolicy({ defaultThreshold: -0.1 }));
    assert.throws(() => createTriagePolicy({ maxRedrafts: 4 }));
    assert.throws(() => createTriagePolicy({ taxonomy: [] }));
  });
});
