import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LabelledExample } from './classifier';
import {
  featureCounts,
  fitTemperature,
  LinearClassifier,
  LinearModelSchema,
  serializeLinearModel,
  trainLinearModel,
} from './linear';

const EXAMPLES: LabelledExample[] = [
  { text: 'I want a refund for my return', label: 'refund' },
  { text: 'please refund the money for the jacket I sent back', label: 'refund' },
  { text: 'when will my refund arrive', label: 'refund' },
  { text: 'money back for the returned shoes', label: 'refund' },
  { text: 'the app crashes when I open it', label: 'bug' },
  { text: 'error message on the login screen of the app', label: 'bug' },
  { text: 'the website shows an error when I save', label: 'bug' },
  { text: 'app freezes and crashes on start', label: 'bug' },
];

describe('linear TF-IDF classifier', () => {
  const model = trainLinearModel(EXAMPLES, { minDocumentFrequency: 1 });
  const classifier = new LinearClassifier(model);

  test('learns the labels and returns a normalised distribution, most likely first', () => {
    const predictions = classifier.predict('the app shows an error');
    assert.equal(predictions[0]?.label, 'bug');
    assert.ok(Math.abs(predictions.reduce((sum, p) => sum + p.probability, 0) - 1) < 1e-9);
    assert.equal(classifier.predict('where is my refund')[0]?.label, 'refund');
  });

  test('character n-grams carry a typo the words never saw', () => {
    assert.equal(classifier.predict('refnud plz')[0]?.label, 'refund');
    assert.equal(classifier.predict('it crashd')[0]?.label, 'bug');
  });

  test('word features survive hashing: a text counts its words, bigrams and character n-grams', () => {
    const { words, chars } = featureCounts('app app');
    // "app" twice and the bigram "app app" once.
    assert.deepEqual([...words.values()].sort(), [1, 2]);
    // " app " has 3 trigrams, 2 four-grams and 1 five-gram, each seen twice.
    assert.equal(
      [...chars.values()].reduce((sum, count) => sum + count, 0),
      12,
    );
  });

  test('round-trips through model.json with identical predictions', () => {
    const loaded = new LinearClassifier(LinearModelSchema.parse(JSON.parse(serializeLinearModel(model))));
    for (const text of ['refund please', 'app error', 'something else entirely']) {
      assert.deepEqual(loaded.predict(text), classifier.predict(text));
    }
  });

  test('temperature scaling softens a model that is too sure on held-out examples', () => {
    // Held-out examples where the confident answer is wrong half the time call for a higher temperature.
    const heldOut: LabelledExample[] = [
      { text: 'refund for the app', label: 'bug' },
      { text: 'refund my money', label: 'refund' },
      { text: 'app crash refund', label: 'refund' },
      { text: 'the app crashes', label: 'bug' },
    ];
    const temperature = fitTemperature(classifier, heldOut);
    assert.ok(temperature > 1, `temperature ${temperature}`);
    const softened = new LinearClassifier({ ...model, temperature });
    assert.ok(
      (softened.predict('refund money')[0]?.probability ?? 1) <
        (classifier.predict('refund money')[0]?.probability ?? 0),
    );
  });
});
