import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { LabelledExample, Prediction, TextClassifier } from './classifier';
import { tokenize } from './text';

/** Where the build writes the trained linear model: beside the compiled code. */
export const LINEAR_MODEL_FILE = join(__dirname, 'model.json');

// 2^18 hashed buckets keep collisions rare for a few hundred thousand distinct n-grams.
const HASH_BITS = 18;
const BUCKETS = 1 << HASH_BITS;
const CHAR_NGRAMS = [3, 4, 5];

/** FNV-1a, 32 bit: cheap, stable across runs and platforms. */
function hash(feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i += 1) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (BUCKETS - 1);
}

/**
 * Hashed feature counts of a text, in two groups: words (unigrams and bigrams),
 * which carry meaning, and character 3–5-grams inside word boundaries, which
 * survive typos and inflections ("refund", "refunded", "refnd").
 */
export function featureCounts(text: string): { words: Map<number, number>; chars: Map<number, number> } {
  const tokens = tokenize(text);
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  const add = (group: Map<number, number>, feature: string) => {
    const bucket = hash(feature);
    group.set(bucket, (group.get(bucket) ?? 0) + 1);
  };
  tokens.forEach((token, index) => {
    add(words, `w ${token}`);
    if (index > 0) add(words, `b ${tokens[index - 1]} ${token}`);
    const padded = ` ${token} `;
    for (const n of CHAR_NGRAMS) {
      for (let start = 0; start + n <= padded.length; start += 1) add(chars, `c ${padded.slice(start, start + n)}`);
    }
  });
  return { words, chars };
}

/** A sparse, L2-normalised TF-IDF vector: parallel arrays of bucket and value. */
interface SparseVector {
  buckets: number[];
  values: number[];
}

function tfidf(groups: Map<number, number>[], idf: (bucket: number) => number | undefined): SparseVector {
  const vector: SparseVector = { buckets: [], values: [] };
  // Each group is normalised on its own, so the many character n-grams cannot drown the words.
  for (const counts of groups) {
    const start = vector.values.length;
    let norm = 0;
    for (const [bucket, count] of counts) {
      const weight = idf(bucket);
      if (weight === undefined) continue;
      const value = (1 + Math.log(count)) * weight;
      vector.buckets.push(bucket);
      vector.values.push(value);
      norm += value * value;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = start; i < vector.values.length; i += 1) vector.values[i] = (vector.values[i] ?? 0) * scale;
  }
  return vector;
}

const base64Floats = z.string().transform((text) => {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
});
const base64Ints = z.string().transform((text) => {
  const bytes = Buffer.from(text, 'base64');
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
});

/** model.json: the kept buckets with their IDF and one weight per label each, as base64 float32. */
export const LinearModelSchema = z.object({
  version: z.literal(2),
  kind: z.literal('tfidf-logistic-regression'),
  labels: z.array(z.string()).min(1),
  /** Divides the logits before the softmax; fitted on examples the weights never saw. */
  temperature: z.number().positive(),
  bias: z.array(z.number()),
  buckets: base64Ints,
  idf: base64Floats,
  /** buckets.length × labels.length, row-major. */
  weights: base64Floats,
});
export type LinearModel = z.output<typeof LinearModelSchema>;

export function serializeLinearModel(model: LinearModel): string {
  const base64 = (array: Float32Array | Int32Array) =>
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
  return JSON.stringify({
    ...model,
    buckets: base64(model.buckets),
    idf: base64(model.idf),
    weights: base64(model.weights),
  });
}

export function loadLinearModel(file = LINEAR_MODEL_FILE): LinearModel {
  return LinearModelSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per example step. */
  l2?: number;
  /** Buckets seen in fewer training texts are dropped: they are mostly noise and bloat the file. */
  minDocumentFrequency?: number;
  seed?: number;
}

/** Deterministic PRNG (mulberry32), so training and splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression over TF-IDF features, trained by SGD on the
 * cross-entropy. Temperature starts at 1; calibrate() fits it on held-out data.
 */
export function trainLinearModel(examples: LabelledExample[], options: TrainingOptions = {}): LinearModel {
  const { epochs = 12, learningRate = 0.8, l2 = 2e-6, minDocumentFrequency = 2, seed = 7 } = options;
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const classes = labels.length;
  const counted = examples.map((example) => ({ ...featureCounts(example.text), label: labels.indexOf(example.label) }));

  const documentFrequency = new Map<number, number>();
  for (const { words, chars } of counted) {
    for (const bucket of [...words.keys(), ...chars.keys()]) {
      documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
    }
  }
  const kept = [...documentFrequency].filter(([, df]) => df >= minDocumentFrequency).map(([bucket]) => bucket);
  kept.sort((a, b) => a - b);
  const row = new Map(kept.map((bucket, index) => [bucket, index]));
  const idf = Float32Array.from(
    kept,
    (bucket) => Math.log((1 + counted.length) / (1 + (documentFrequency.get(bucket) ?? 0))) + 1,
  );
  const vectors = counted.map(({ words, chars, label }) => {
    const vector = tfidf([words, chars], (bucket) => {
      const index = row.get(bucket);
      return index === undefined ? undefined : idf[index];
    });
    return { rows: vector.buckets.map((bucket) => row.get(bucket) ?? 0), values: vector.values, label };
  });

  const weights = new Float32Array(kept.length * classes);
  const bias = new Float64Array(classes);
  const logits = new Float64Array(classes);
  const next = seededRandom(seed);
  const order = vectors.map((_, index) => index);
  let step = 0;
  const totalSteps = epochs * vectors.length;
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    // Fisher–Yates shuffle per epoch.
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const index of order) {
      const { rows, values, label } = vectors[index] ?? { rows: [], values: [], label: 0 };
      // Linear decay to a tenth of the starting rate.
      const rate = learningRate * (1 - (0.9 * step) / totalSteps);
      step += 1;
      scores(weights, bias, classes, rows, values, logits);
      softmaxInPlace(logits, 1);
      for (let c = 0; c < classes; c += 1) {
        const gradient = (logits[c] ?? 0) - (c === label ? 1 : 0);
        bias[c] = (bias[c] ?? 0) - rate * gradient;
        for (let k = 0; k < rows.length; k += 1) {
          const at = (rows[k] ?? 0) * classes + c;
          const w = weights[at] ?? 0;
          weights[at] = w - rate * (gradient * (values[k] ?? 0) + l2 * w);
        }
      }
    }
  }
  return {
    version: 2,
    kind: 'tfidf-logistic-regression',
    labels,
    temperature: 1,
    bias: [...bias],
    buckets: Int32Array.from(kept),
    idf,
    weights,
  };
}

function scores(
  weights: Float32Array,
  bias: ArrayLike<number>,
  classes: number,
  rows: number[],
  values: number[],
  out: Float64Array,
): void {
  for (let c = 0; c < classes; c += 1) out[c] = bias[c] ?? 0;
  for (let k = 0; k < rows.length; k += 1) {
    const offset = (rows[k] ?? 0) * classes;
    const value = values[k] ?? 0;
    for (let c = 0; c < classes; c += 1) out[c] = (out[c] ?? 0) + (weights[offset + c] ?? 0) * value;
  }
}

function softmaxInPlace(logits: Float64Array, temperature: number): void {
  let top = -Infinity;
  for (const logit of logits) top = Math.max(top, logit / temperature);
  let total = 0;
  for (let c = 0; c < logits.length; c += 1) {
    logits[c] = Math.exp((logits[c] ?? 0) / temperature - top);
    total += logits[c] ?? 0;
  }
  for (let c = 0; c < logits.length; c += 1) logits[c] = (logits[c] ?? 0) / total;
}

export class LinearClassifier implements TextClassifier {
  private readonly rows: Map<number, number>;

  constructor(readonly model: LinearModel) {
    this.rows = new Map(Array.from(model.buckets, (bucket, index) => [bucket, index]));
  }

  /** Raw class scores, before temperature and softmax. */
  logits(text: string): Float64Array {
    const { words, chars } = featureCounts(text);
    const vector = tfidf([words, chars], (bucket) => {
      const index = this.rows.get(bucket);
      return index === undefined ? undefined : this.model.idf[index];
    });
    const out = new Float64Array(this.model.labels.length);
    const rows = vector.buckets.map((bucket) => this.rows.get(bucket) ?? 0);
    scores(this.model.weights, this.model.bias, this.model.labels.length, rows, vector.values, out);
    return out;
  }

  predict(text: string): Prediction[] {
    return probabilities(this.logits(text), this.model.temperature)
      .map((probability, index) => ({ label: this.model.labels[index] ?? '', probability }))
      .sort((a, b) => b.probability - a.probability);
  }
}

export function probabilities(logits: Float64Array, temperature: number): number[] {
  const copy = Float64Array.from(logits);
  softmaxInPlace(copy, temperature);
  return [...copy];
}

/**
 * Temperature scaling: the temperature that minimises the log loss on examples
 * the model did not train on. Golden-section search; the loss is unimodal in log T.
 */
export function fitTemperature(classifier: LinearClassifier, heldOut: LabelledExample[]): number {
  const labels = classifier.model.labels;
  const scored = heldOut.map(({ text, label }) => ({ logits: classifier.logits(text), index: labels.indexOf(label) }));
  const logLoss = (temperature: number) =>
    scored.reduce((sum, { logits, index }) => {
      const p = index < 0 ? 1 : (probabilities(logits, temperature)[index] ?? 0);
      return sum - Math.log(Math.max(p, 1e-12));
    }, 0);
  let low = Math.log(0.05);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i += 1) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (logLoss(Math.exp(a)) < logLoss(Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp((low + high) / 2);
}
