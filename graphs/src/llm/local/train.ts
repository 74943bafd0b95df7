// Build step: trains the offline triage model from data/triage-examples.jsonl
// and writes model.json beside this file. Run by `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_TAXONOMY } from '../../policy';
import { LOCAL_MODEL_FILE, NaiveBayesClassifier, trainNaiveBayes, type LabelledExample } from './naive-bayes';

const DATA_FILE = resolve(__dirname, '../../../data/triage-examples.jsonl');
const HOLD_OUT = 0.2;
const MIN_ACCURACY = 0.75;
const TEMPERATURES = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];

const ExampleSchema = z.object({
  text: z.string().min(1),
  label: z.enum(DEFAULT_TAXONOMY.map((category) => category.key) as [string, ...string[]]),
});

function readExamples(file: string): LabelledExample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = ExampleSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Deterministic PRNG (mulberry32), so the split and the printed accuracy are reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Holds out the same share of every label. */
function split(examples: LabelledExample[]): { train: LabelledExample[]; test: LabelledExample[] } {
  const next = random(42);
  const train: LabelledExample[] = [];
  const test: LabelledExample[] = [];
  for (const label of new Set(examples.map((example) => example.label))) {
    const group = examples
      .filter((example) => example.label === label)
      .map((example) => ({ example, key: next() }))
      .sort((a, b) => a.key - b.key)
      .map(({ example }) => example);
    const held = Math.max(1, Math.round(group.length * HOLD_OUT));
    test.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train, test };
}

function evaluate(classifier: NaiveBayesClassifier, test: LabelledExample[]): { accuracy: number; logLoss: number } {
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

function main(): void {
  const examples = readExamples(DATA_FILE);
  const { train, test } = split(examples);
  const heldOutModel = trainNaiveBayes(train);
  // Naive Bayes posteriors are near 0 or 1; pick the temperature that makes held-out probabilities honest.
  const fits = TEMPERATURES.map((temperature) => ({
    temperature,
    ...evaluate(new NaiveBayesClassifier({ ...heldOutModel, temperature }), test),
  }));
  const best = fits.reduce((a, b) => (b.logLoss < a.logLoss ? b : a));
  console.log(
    `local triage model: held-out accuracy ${(best.accuracy * 100).toFixed(1)}% on ${test.length} of ${examples.length} examples` +
      ` (trained on ${train.length}); temperature ${best.temperature}, log loss ${best.logLoss.toFixed(3)}`,
  );
  if (best.accuracy < MIN_ACCURACY) {
    throw new Error(`held-out accuracy ${best.accuracy.toFixed(3)} is below ${MIN_ACCURACY}: check ${DATA_FILE}`);
  }
  // The shipped model learns from every example; the held-out split only measured and calibrated.
  writeFileSync(LOCAL_MODEL_FILE, JSON.stringify(trainNaiveBayes(examples, best.temperature)));
  console.log(`wrote ${LOCAL_MODEL_FILE}`);
}

main();
