import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TextClassifier } from './classifier';
import { LocalTriageModel } from './model';
import { dedupeKey, gateDecision, scoreClassifier, shuffledLabels, type ClassifierScore } from './retrain';

/** A classifier that answers from a lookup table: its scores are known by hand. */
const table = (answers: Record<string, string>): TextClassifier => ({
  predict: (text) => [{ label: answers[text] ?? 'other', probability: 1 }],
});

const score = (macroF1: number, recall: Record<string, number>, examples = 50): ClassifierScore => ({
  examples,
  accuracy: macroF1,
  macroF1,
  recall,
  support: {},
});

describe('retraining: scores and the evaluation gate', () => {
  test('scoreClassifier: accuracy, per-category recall and macro-F1 over the categories present', () => {
    const examples = [
      { text: 'a1', label: 'a' },
      { text: 'a2', label: 'a' },
      { text: 'b1', label: 'b' },
      { text: 'b2', label: 'b' },
    ];
    const result = scoreClassifier(table({ a1: 'a', a2: 'b', b1: 'b', b2: 'b' }), examples);
    assert.equal(result.accuracy, 0.75);
    assert.deepEqual(result.recall, { a: 0.5, b: 1 });
    // a: precision 1, recall 0.5 → F1 2/3; b: precision 2/3, recall 1 → F1 0.8.
    assert.ok(Math.abs(result.macroF1 - (2 / 3 + 0.8) / 2) < 1e-12);
    assert.deepEqual(result.support, { a: 2, b: 2 });
  });

  const settings = { margin: 0.02, maxRecallDrop: 0.05, minHoldout: 10 };
  const active = { holdout: score(0.7, { a: 0.8, b: 0.6 }), eval: score(0.9, { a: 0.9, b: 0.9 }) };

  test('promotes a candidate that beats the margin with no large recall drop', () => {
    const candidate = { holdout: score(0.8, { a: 0.8, b: 0.8 }), eval: score(0.9, { a: 0.88, b: 0.92 }) };
    const decision = gateDecision(candidate, active, settings);
    assert.equal(decision.promote, true, decision.reason);
    assert.deepEqual(decision.recallChanges[0], { set: 'eval', category: 'a', active: 0.9, candidate: 0.88 });
  });

  test('rejects a gain below the margin, naming both figures', () => {
    const candidate = { holdout: score(0.71, { a: 0.8, b: 0.62 }), eval: score(0.9, { a: 0.9, b: 0.9 }) };
    const decision = gateDecision(candidate, active, settings);
    assert.equal(decision.promote, false);
    assert.match(decision.reason, /macro-F1 0\.710 vs active 0\.700: gain 0\.010 is below the margin 0\.020/);
  });

  test('rejects a recall drop above the limit on either set, even with a macro-F1 gain', () => {
    const candidate = { holdout: score(0.9, { a: 0.9, b: 0.9 }), eval: score(0.9, { a: 0.8, b: 0.99 }) };
    const decision = gateDecision(candidate, active, settings);
    assert.equal(decision.promote, false);
    assert.match(decision.reason, /a recall on the shipped eval set drops from 0\.900 to 0\.800/);
  });

  test('refuses to judge on too small a holdout', () => {
    const candidate = { holdout: score(1, { a: 1 }, 3), eval: score(1, { a: 1 }) };
    assert.match(gateDecision(candidate, active, settings).reason, /holdout has 3 labelled runs, fewer than the 10/);
  });

  test('shuffled labels keep the label counts; duplicates ignore case and spacing only', () => {
    const examples = Array.from({ length: 40 }, (_, i) => ({ text: `t${i}`, label: i < 10 ? 'a' : 'b' }));
    const shuffled = shuffledLabels(examples, 3);
    assert.equal(shuffled.filter(({ label }) => label === 'a').length, 10);
    assert.ok(shuffled.some(({ label }, i) => label !== examples[i]!.label));
    assert.equal(dedupeKey('Where is  my\nOrder 12?'), dedupeKey('where is my order 12?'));
    assert.notEqual(dedupeKey('order 12'), dedupeKey('order 13'));
  });

  test('the local model reads the active classifier once per classification and says which version it was', async () => {
    let active = { version: 1, classifier: table({}) };
    const model = new LocalTriageModel({ active: () => active });
    const message = { from: { address: 'a@example.com', name: 'Ann' }, subject: 'Hi', text: 'x', receivedAt: '' };
    const taxonomy = [
      { key: 'billing', description: 'b' },
      { key: 'other', description: 'o' },
    ];
    const first = await model.classifyVersioned(message as never, taxonomy);
    assert.deepEqual([first.classification.category, first.modelVersion], ['other', 1]);
    active = { version: 2, classifier: table({ 'Hi\nx': 'billing' }) };
    const second = await model.classifyVersioned(message as never, taxonomy);
    assert.deepEqual([second.classification.category, second.modelVersion], ['billing', 2]);
  });
});
