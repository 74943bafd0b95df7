// Build step: trains the offline triage model and writes model.json beside this
// file, plus the old naive Bayes model as baseline-nb.json for comparisons.
// Run by `npm run build`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TAXONOMY } from '../../policy';
import { readLabelledExamples, type LabelledExample, type TextClassifier } from './classifier';
import {
  fitTemperature,
  LINEAR_MODEL_FILE,
  LinearClassifier,
  seededRandom,
  serializeLinearModel,
  trainLinearModel,
} from './linear';
import { BASELINE_MODEL_FILE, NaiveBayesClassifier, trainNaiveBayes } from './naive-bayes';

const DATA = resolve(__dirname, '../../../data');
/** Written one by one; the first file is all the old model learned from. */
const HAND_WRITTEN = ['triage-examples.jsonl', 'triage-examples-more.jsonl'];
/** Composed from phrase lists by data/compose-examples.mjs: many wordings, never used to calibrate. */
const COMPOSED = 'triage-examples-composed.jsonl';
const CALIBRATION_SHARE = 0.2;
const MIN_ACCURACY = 0.8;
const NB_TEMPERATURES = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];

const LABELS = DEFAULT_TAXONOMY.map((category) => category.key);
const read = (file: string) => readLabelledExamples(resolve(DATA, file), LABELS);

/** Holds out the same share of every label. */
function split(examples: LabelledExample[], share: number): { train: LabelledExample[]; test: LabelledExample[] } {
  const next = seededRandom(42);
  const train: LabelledExample[] = [];
  const test: LabelledExample[] = [];
  for (const label of new Set(examples.map((example) => example.label))) {
    const group = examples
      .filter((example) => example.label === label)
      .map((example) => ({ example, key: next() }))
      .sort((a, b) => a.key - b.key)
      .map(({ example }) => example);
    const held = Math.max(1, Math.round(group.length * share));
    test.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train, test };
}

function measure(classifier: TextClassifier, test: LabelledExample[]): { accuracy: number; logLoss: number } {
  let correct = 0;
  let logLoss = 0;
  for (const { text, label } of test) {
    const predictions = classifier.predict(text);
    if (predictions[0]?.label === label) correct += 1;
    const probability = predictions.find((prediction) => prediction.label === label)?.probability ?? 0;
    logLoss -= Math.log(Math.max(probability, 1e-12));
  }
  return { accuracy: correct / test.length, logLoss: logLoss / test.length };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The model Handoff shipped before: naive Bayes on the original examples, its temperature fitted as it was. */
function trainBaseline(original: LabelledExample[]): void {
  const { train, test } = split(original, 0.2);
  const heldOut = trainNaiveBayes(train);
  const fits = NB_TEMPERATURES.map((temperature) => ({
    temperature,
    ...measure(new NaiveBayesClassifier({ ...heldOut, temperature }), test),
  }));
  const best = fits.reduce((a, b) => (b.logLoss < a.logLoss ? b : a));
  writeFileSync(BASELINE_MODEL_FILE, JSON.stringify(trainNaiveBayes(original, best.temperature)));
}

function main(): void {
  const started = Date.now();
  const [original = [], ...more] = HAND_WRITTEN.map(read);
  const handWritten = [...original, ...more.flat()];
  const composed = read(COMPOSED);
  // Calibrate and measure on hand-written messages only: composed ones share phrases with each other,
  // so a held-out composed message would look easier than a real one.
  const { train, test } = split(handWritten, CALIBRATION_SHARE);
  const model = trainLinearModel([...train, ...composed]);
  const classifier = new LinearClassifier(model);
  const before = measure(classifier, test);
  model.temperature = fitTemperature(classifier, test);
  const after = measure(classifier, test);
  console.log(
    `local triage model: held-out accuracy ${percent(after.accuracy)} on ${test.length} hand-written examples ` +
      `(trained on ${train.length} hand-written + ${composed.length} composed); temperature ` +
      `${model.temperature.toFixed(3)}, log loss ${before.logLoss.toFixed(3)} → ${after.logLoss.toFixed(3)}; ` +
      `${model.buckets.length} features; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (after.accuracy < MIN_ACCURACY) {
    throw new Error(`held-out accuracy ${after.accuracy.toFixed(3)} is below ${MIN_ACCURACY}: check ${DATA}`);
  }
  // The shipped model is the one calibrated above: its temperature was fitted on examples it never saw.
  writeFileSync(LINEAR_MODEL_FILE, serializeLinearModel(model));
  trainBaseline(original);
  console.log(`wrote ${LINEAR_MODEL_FILE} and ${BASELINE_MODEL_FILE}`);
}

main();
