// Retraining the offline model from reviewer labels: the pure parts of the backend's pipeline
// (collect → train → evaluate → register → promote). No I/O but reading the shipped data files.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_TAXONOMY } from '../../policy';
import type { LabelledExample, TextClassifier } from './classifier';
import { readLabelledExamples } from './classifier';
import {
  fitTemperature,
  LinearClassifier,
  LinearModelSchema,
  seededRandom,
  serializeLinearModel,
  trainLinearModel,
  type LinearModel,
} from './linear';

const DATA = resolve(__dirname, '../../../data');
/** The files the build trains the shipped model (version 1) on. */
export const SHIPPED_TRAINING_FILES = [
  'triage-examples.jsonl',
  'triage-examples-more.jsonl',
  'triage-examples-composed.jsonl',
];
export const SHIPPED_EVAL_FILE = resolve(DATA, 'eval/support-eval.jsonl');

/** The text the local model classifies: subject, newline, body (as LocalTriageModel reads an email). */
export function exampleText(subject: string | undefined, text: string): string {
  return subject === undefined ? text : `${subject}\n${text}`;
}

/** Every example the shipped model was trained on, labelled with the default taxonomy. */
export function shippedTrainingExamples(): LabelledExample[] {
  const labels = DEFAULT_TAXONOMY.map((category) => category.key);
  return SHIPPED_TRAINING_FILES.flatMap((file) => readLabelledExamples(resolve(DATA, file), labels));
}

/** The shipped evaluation set (graphs/data/eval/support-eval.jsonl) as labelled examples. */
export function shippedEvalExamples(): LabelledExample[] {
  return readFileSync(SHIPPED_EVAL_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { subject?: string; text: string; category: string };
      return { text: exampleText(row.subject, row.text), label: row.category };
    });
}

/** A duplicate is the same text once case and spacing are ignored (the same email sent or forwarded twice). */
export function dedupeKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface ClassifierScore {
  examples: number;
  accuracy: number;
  /** Mean F1 over the categories present in the examples. */
  macroF1: number;
  /** Recall per category present in the examples. */
  recall: Record<string, number>;
  support: Record<string, number>;
}

/** Accuracy, macro-F1 and per-category recall of `classifier` on `examples`. */
export function scoreClassifier(classifier: TextClassifier, examples: LabelledExample[]): ClassifierScore {
  const predicted = examples.map(({ text }) => classifier.predict(text)[0]?.label ?? '');
  const categories = [...new Set(examples.map(({ label }) => label))].sort();
  const recall: Record<string, number> = {};
  const support: Record<string, number> = {};
  let f1Sum = 0;
  for (const category of categories) {
    const gold = examples.filter(({ label }) => label === category).length;
    const chosen = predicted.filter((label) => label === category).length;
    const hits = examples.filter(({ label }, index) => label === category && predicted[index] === category).length;
    const r = gold === 0 ? 0 : hits / gold;
    const p = chosen === 0 ? 0 : hits / chosen;
    recall[category] = r;
    support[category] = gold;
    f1Sum += p + r === 0 ? 0 : (2 * p * r) / (p + r);
  }
  const correct = examples.filter(({ label }, index) => predicted[index] === label).length;
  return {
    examples: examples.length,
    accuracy: examples.length === 0 ? 0 : correct / examples.length,
    macroF1: categories.length === 0 ? 0 : f1Sum / categories.length,
    recall,
    support,
  };
}

export interface TrainingSet {
  shipped: LabelledExample[];
  traffic: LabelledExample[];
}

export interface RetrainOptions {
  /** How many times each traffic example counts: a team's own labels outweigh composed phrases. */
  trafficWeight: number;
  /** Permute the labels (a control run that must be rejected by the gate). */
  shuffleLabels?: boolean;
  seed?: number;
}

/** Labels permuted among the examples (same label counts, meaning destroyed). */
export function shuffledLabels(examples: LabelledExample[], seed: number): LabelledExample[] {
  const next = seededRandom(seed);
  const labels = examples.map(({ label }) => label);
  for (let i = labels.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [labels[i], labels[j]] = [labels[j] ?? '', labels[i] ?? ''];
  }
  return examples.map((example, index) => ({ ...example, label: labels[index] ?? example.label }));
}

/**
 * Trains a candidate on the shipped examples plus the team's labelled traffic, and fits its temperature on
 * a fifth of the hand-written shipped examples it did not train on (as the build does for version 1).
 */
export function trainCandidate(set: TrainingSet, options: RetrainOptions): LinearModel {
  const seed = options.seed ?? 7;
  const next = seededRandom(seed + 1);
  const calibration: LabelledExample[] = [];
  const train: LabelledExample[] = [];
  for (const example of set.shipped) (next() < 0.1 ? calibration : train).push(example);
  const weighted = set.traffic.flatMap((example) => Array.from({ length: options.trafficWeight }, () => example));
  let examples = [...train, ...weighted];
  if (options.shuffleLabels) examples = shuffledLabels(examples, seed);
  const model = trainLinearModel(examples, { seed });
  model.temperature = fitTemperature(new LinearClassifier(model), calibration);
  return model;
}

/**
 * trainCandidate on the shipped examples plus `traffic`, in a worker thread so the calling process keeps
 * serving; resolves with the serialized model (model.json's format).
 */
export function trainCandidateInThread(
  traffic: LabelledExample[],
  options: RetrainOptions,
): Promise<{ model: Buffer; features: number }> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(join(__dirname, 'retrain-thread.js'), { workerData: { traffic, options } });
    let answered = false;
    worker.once('message', (result: { model: string; features: number }) => {
      answered = true;
      resolvePromise({ model: Buffer.from(result.model, 'utf8'), features: result.features });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the training thread exited with code ${code} before it answered`));
    });
  });
}

export function serializeModel(model: LinearModel): Buffer {
  return Buffer.from(serializeLinearModel(model), 'utf8');
}

export function deserializeModel(bytes: Buffer | string): LinearModel {
  return LinearModelSchema.parse(JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8')));
}

export interface GateScores {
  holdout: ClassifierScore;
  eval: ClassifierScore;
}

export interface GateSettings {
  /** Candidate holdout macro-F1 must be at least this much above the active model's. */
  margin: number;
  /** No category's recall (on the holdout or the eval set) may fall by more than this. */
  maxRecallDrop: number;
  /** Fewer holdout examples than this and nothing can be promoted. */
  minHoldout: number;
}

export interface RecallChange {
  set: 'holdout' | 'eval';
  category: string;
  active: number;
  candidate: number;
}

export interface GateDecision {
  promote: boolean;
  reason: string;
  /** Every category's recall change, worst first. */
  recallChanges: RecallChange[];
}

const fixed = (value: number) => value.toFixed(3);

/** The evaluation gate: promote only on a holdout macro-F1 gain of at least the margin and no large recall drop. */
export function gateDecision(candidate: GateScores, active: GateScores, settings: GateSettings): GateDecision {
  const recallChanges: RecallChange[] = (['holdout', 'eval'] as const)
    .flatMap((set) =>
      Object.keys(candidate[set].recall).map((category) => ({
        set,
        category,
        active: active[set].recall[category] ?? 0,
        candidate: candidate[set].recall[category] ?? 0,
      })),
    )
    .sort((a, b) => a.candidate - a.active - (b.candidate - b.active));
  if (candidate.holdout.examples < settings.minHoldout) {
    return {
      promote: false,
      reason: `holdout has ${candidate.holdout.examples} labelled runs, fewer than the ${settings.minHoldout} needed to judge`,
      recallChanges,
    };
  }
  const gain = candidate.holdout.macroF1 - active.holdout.macroF1;
  if (gain < settings.margin) {
    return {
      promote: false,
      reason:
        `holdout macro-F1 ${fixed(candidate.holdout.macroF1)} vs active ${fixed(active.holdout.macroF1)}: ` +
        `gain ${fixed(gain)} is below the margin ${fixed(settings.margin)}`,
      recallChanges,
    };
  }
  const worst = recallChanges[0];
  if (worst && worst.active - worst.candidate > settings.maxRecallDrop + 1e-9) {
    return {
      promote: false,
      reason:
        `${worst.category} recall on the ${worst.set === 'eval' ? 'shipped eval set' : 'holdout'} drops from ` +
        `${fixed(worst.active)} to ${fixed(worst.candidate)}, more than ${fixed(settings.maxRecallDrop)}`,
      recallChanges,
    };
  }
  return {
    promote: true,
    reason:
      `holdout macro-F1 ${fixed(candidate.holdout.macroF1)} vs active ${fixed(active.holdout.macroF1)} ` +
      `(gain ${fixed(gain)} ≥ ${fixed(settings.margin)}); no recall drop above ${fixed(settings.maxRecallDrop)}`,
    recallChanges,
  };
}

/** A classifier with the version it came from, as the active-model holder hands it out. */
export interface VersionedClassifier {
  version: number;
  classifier: TextClassifier;
}
