import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testPolicy } from '../testing';
import { computeMetrics, replyOverlap } from './metrics';
import type { CaseResult } from './runner';

let index = 0;
function result(expected: string, predicted: string, confidence: number, routing: 'auto_send' | 'review'): CaseResult {
  index += 1;
  return {
    index,
    expected,
    predicted,
    categoryConfidence: confidence,
    confidence,
    riskFlags: [],
    routing,
    reviewReasons: routing === 'review' ? ['low_confidence'] : [],
    draft: '',
  };
}

describe('computeMetrics', () => {
  // 4 billing messages (3 found), 2 shipping (both found, plus one billing taken for shipping), 1 legal.
  const results = [
    result('billing', 'billing', 0.95, 'auto_send'),
    result('billing', 'billing', 0.9, 'auto_send'),
    result('billing', 'billing', 0.55, 'review'),
    result('billing', 'shipping', 0.85, 'auto_send'),
    result('shipping', 'shipping', 0.92, 'auto_send'),
    result('shipping', 'shipping', 0.6, 'review'),
    result('legal', 'legal', 0.99, 'review'),
  ];
  const metrics = computeMetrics(results, testPolicy());
  const score = (category: string) => metrics.perCategory.find((entry) => entry.category === category);

  test('accuracy, per-category precision/recall/F1 and macro-F1 over present categories', () => {
    assert.equal(metrics.accuracy, 6 / 7);
    assert.deepEqual([score('billing')?.precision, score('billing')?.recall, score('billing')?.support], [1, 0.75, 4]);
    assert.deepEqual([score('shipping')?.precision, score('shipping')?.recall], [2 / 3, 1]);
    const billingF1 = (2 * 0.75) / 1.75;
    const shippingF1 = (2 * (2 / 3)) / (2 / 3 + 1);
    assert.ok(Math.abs(metrics.macroF1 - (billingF1 + shippingF1 + 1) / 3) < 1e-12);
    assert.deepEqual(score('order_status'), {
      category: 'order_status',
      support: 0,
      predicted: 0,
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  test('the confusion matrix has expected rows and predicted columns', () => {
    const { labels, matrix } = metrics.confusion;
    const at = (expected: string, predicted: string) => matrix[labels.indexOf(expected)]?.[labels.indexOf(predicted)];
    assert.deepEqual([at('billing', 'billing'), at('billing', 'shipping'), at('shipping', 'billing')], [3, 1, 0]);
  });

  test('ECE is the count-weighted gap between confidence and accuracy per bin', () => {
    // Bins: [0.5,0.6): 0.55 right; [0.6,0.7): 0.6 right; [0.8,0.9): 0.85 wrong; [0.9,1]: 0.95, 0.9, 0.92, 0.99 right.
    const expected = (1 / 7) * 0.45 + (1 / 7) * 0.4 + (1 / 7) * 0.85 + (4 / 7) * (1 - (0.95 + 0.9 + 0.92 + 0.99) / 4);
    assert.ok(Math.abs(metrics.calibration.ece - expected) < 1e-12, `${metrics.calibration.ece} vs ${expected}`);
  });

  test('auto-sends and the gate curve leave out always-review categories', () => {
    assert.deepEqual(metrics.autoSend, { sent: 4, rate: 4 / 7, precision: 3 / 4, wrong: 1 });
    const at = (threshold: number) => metrics.gateCurve.find((point) => Math.abs(point.threshold - threshold) < 1e-9);
    // legal is always reviewed, so even at 0 only the six other messages count.
    assert.deepEqual(at(0), { threshold: 0, coverage: 6 / 7, precision: 5 / 6, sent: 6 });
    assert.deepEqual(at(0.9), { threshold: 0.9, coverage: 3 / 7, precision: 1, sent: 3 });
    assert.equal(at(1)?.precision, null);
  });
});

describe('replyOverlap', () => {
  test('is word-level F1: 1 for the same words, 0 for none shared', () => {
    assert.equal(replyOverlap('We ship to Chile.', 'we ship to chile'), 1);
    assert.equal(replyOverlap('Hello there', 'Goodbye'), 0);
    assert.ok(Math.abs(replyOverlap('we ship to chile today', 'we ship to chile') - 8 / 9) < 1e-12);
  });
});
