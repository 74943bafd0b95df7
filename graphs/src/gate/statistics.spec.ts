import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  computeCategoryGate,
  drawnForAudit,
  isSuccess,
  normalisedEditDistance,
  wilsonLowerBound,
  type LabelledOutcome,
} from './statistics';

const close = (actual: number | null, expected: number, digits = 4) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 10 ** -digits, `${actual} ≉ ${expected}`);

/** `count` outcomes at `confidence`, the first `successes` of them right. */
const outcomes = (confidence: number, count: number, successes = count): LabelledOutcome[] =>
  Array.from({ length: count }, (_, i) => ({ confidence, success: i < successes }));

const gate = { targetPrecision: 0.9, minEvidence: 30 };

describe('wilsonLowerBound (one-sided 95%)', () => {
  test('matches the Wilson score interval at 90% two-sided', () => {
    // Independently: the 90% two-sided Wilson interval of 8/10 is [0.5408, 0.9314]; of 95/100 [0.9008, 0.9744].
    close(wilsonLowerBound(8, 10), 0.540793);
    close(wilsonLowerBound(95, 100), 0.900839);
    // All successes: n / (n + z²).
    close(wilsonLowerBound(30, 30), 30 / (30 + 1.6448536269514722 ** 2));
    assert.equal(wilsonLowerBound(0, 10), 0);
    assert.equal(wilsonLowerBound(0, 0), 0);
  });

  test('at the default target 0.98 a perfect record needs 133 outcomes', () => {
    assert.ok(wilsonLowerBound(132, 132) < 0.98);
    assert.ok(wilsonLowerBound(133, 133) >= 0.98);
  });

  test('refuses impossible counts', () => {
    assert.throws(() => wilsonLowerBound(11, 10), RangeError);
    assert.throws(() => wilsonLowerBound(-1, 10), RangeError);
  });
});

describe('computeCategoryGate', () => {
  test('an empty category earns nothing and has no curve', () => {
    const result = computeCategoryGate([], gate);
    assert.equal(result.threshold, null);
    assert.equal(result.evidence, 0);
    assert.equal(result.precisionEstimate, null);
    assert.equal(result.coverage, 0);
    assert.deepEqual(result.curve, []);
  });

  test('perfect outcomes below the minimum evidence earn nothing, however good', () => {
    const result = computeCategoryGate(outcomes(0.95, 29), gate);
    assert.equal(result.threshold, null);
    assert.equal(result.evidence, 29);
    assert.equal(result.precisionEstimate, 1);
  });

  test('the lowest threshold that meets target with enough evidence wins', () => {
    // 40 right at 0.9, then 20 at 0.7 of which half are wrong: below 0.9 the bound drops under 0.9.
    const data = [...outcomes(0.9, 40), ...outcomes(0.7, 20, 10)];
    const result = computeCategoryGate(data, gate);
    assert.equal(result.threshold, 0.9);
    assert.equal(result.evidence, 40);
    assert.equal(result.successes, 40);
    close(result.coverage, 40 / 60);
    close(result.precisionLowerBound, 40 / (40 + 1.6448536269514722 ** 2));
    assert.deepEqual(
      result.curve.map((point) => [point.threshold, point.evidence]),
      [
        [0.9, 40],
        [0.7, 60],
      ],
    );
  });

  test('takes a lower threshold when the outcomes below still hold the bound up', () => {
    const data = [...outcomes(0.9, 40), ...outcomes(0.8, 30), ...outcomes(0.6, 10, 0)];
    assert.equal(computeCategoryGate(data, gate).threshold, 0.8);
  });

  test('ties fall on one side: a wrong outcome at the threshold confidence counts against it', () => {
    const data = [...outcomes(0.9, 40), { confidence: 0.85, success: true }, { confidence: 0.85, success: false }];
    const points = computeCategoryGate(data, gate).curve;
    // One point for both 0.85s, never one that admits only the right one.
    assert.deepEqual(
      points.map((point) => [point.threshold, point.evidence, point.successes]),
      [
        [0.9, 40, 40],
        [0.85, 42, 41],
      ],
    );
  });

  test('a category that degrades loses its threshold', () => {
    const good = outcomes(0.9, 40);
    assert.equal(computeCategoryGate(good, gate).threshold, 0.9);
    // Audits at the same confidence start failing: 8 wrong in the next 12.
    const degraded = [...good, ...outcomes(0.9, 12, 4)];
    const result = computeCategoryGate(degraded, gate);
    assert.equal(result.threshold, null);
    assert.equal(result.evidence, 52);
    assert.ok(result.precisionLowerBound! < gate.targetPrecision);
  });

  test('the curve is thinned but keeps its ends and the chosen threshold', () => {
    const data = Array.from({ length: 300 }, (_, i) => ({ confidence: 1 - i / 1000, success: i < 200 }));
    const result = computeCategoryGate(data, { ...gate, maxCurvePoints: 20 });
    assert.ok(result.curve.length <= 21);
    assert.equal(result.curve[0]!.threshold, 1);
    assert.equal(result.curve.at(-1)!.evidence, 300);
    assert.ok(result.curve.some((point) => point.threshold === result.threshold));
    // 200 right above 0.8, then only wrong ones: a few of those still fit under the bound.
    assert.ok(result.threshold !== null && result.threshold < 0.8 && result.threshold > 0.75, `${result.threshold}`);
  });
});

describe('labels and audits', () => {
  test('success: sent unedited, or edited within the documented distance', () => {
    assert.equal(isSuccess('sent_unedited', null), true);
    assert.equal(isSuccess('edited', 0.05), true);
    assert.equal(isSuccess('edited', 0.1), true);
    assert.equal(isSuccess('edited', 0.2), false);
    for (const outcome of ['rejected', 'redrafted', 'recategorised']) assert.equal(isSuccess(outcome, null), false);
  });

  test('normalised edit distance is changed characters over both lengths', () => {
    assert.equal(normalisedEditDistance(0, 10, 10), 0);
    assert.equal(normalisedEditDistance(4, 10, 10), 0.2);
    assert.equal(normalisedEditDistance(0, 0, 0), 0);
    assert.equal(normalisedEditDistance(30, 10, 10), 1);
  });

  test('audit draws are stable per run id and near the rate', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    const drawn = ids.filter((id) => drawnForAudit(id, 0.05)).length / ids.length;
    // Binomial sd at n=20000, p=0.05 is 0.0015; 4 sd either side.
    assert.ok(Math.abs(drawn - 0.05) < 0.006, `drew ${drawn}`);
    for (const id of ids.slice(0, 100)) assert.equal(drawnForAudit(id, 0.05), drawnForAudit(id, 0.05));
    assert.equal(drawnForAudit(ids[0]!, 0), false);
    assert.equal(drawnForAudit(ids[0]!, 1), true);
  });
});
