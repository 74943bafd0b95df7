import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { LabelledExample, Prediction, TextClassifier } from './classifier';
import { features } from './text';

/**
 * Where the build writes the naive Bayes model trained on the original examples
 * (the model Handoff shipped before the linear one), kept as the eval baseline.
 */
export const BASELINE_MODEL_FILE = join(__dirname, 'baseline-nb.json');

/** The trained model as stored in model.json: raw counts, so it stays small and inspectable. */
export const NaiveBayesModelSchema = z.object({
  version: z.literal(1),
  labels: z.array(z.string()).min(1),
  /** Training documents per label, for the priors. */
  docCounts: z.array(z.number().int().positive()),
  /** Per label, how often each feature occurred. */
  featureCounts: z.array(z.record(z.string(), z.number().int().positive())),
  vocabularySize: z.number().int().positive(),
  /** Divides log-scores before the softmax; fitted on held-out data because naive Bayes is overconfident. */
  temperature: z.number().positive(),
});
export type NaiveBayesModel = z.infer<typeof NaiveBayesModelSchema>;

export function loadNaiveBayesModel(file = BASELINE_MODEL_FILE): NaiveBayesModel {
  return NaiveBayesModelSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function trainNaiveBayes(examples: LabelledExample[], temperature = 1): NaiveBayesModel {
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const docCounts = labels.map(() => 0);
  const featureCounts: Record<string, number>[] = labels.map(() => ({}));
  const vocabulary = new Set<string>();
  for (const { text, label } of examples) {
    const index = labels.indexOf(label);
    docCounts[index] = (docCounts[index] ?? 0) + 1;
    const counts = featureCounts[index] ?? {};
    for (const feature of features(text)) {
      counts[feature] = (counts[feature] ?? 0) + 1;
      vocabulary.add(feature);
    }
  }
  return { version: 1, labels, docCounts, featureCounts, vocabularySize: vocabulary.size, temperature };
}

/** Multinomial naive Bayes with Laplace smoothing over unigram and bigram counts. */
export class NaiveBayesClassifier implements TextClassifier {
  private readonly logPriors: number[];
  private readonly counts: Map<string, number>[];
  private readonly denominators: number[];
  private readonly vocabulary = new Set<string>();

  constructor(readonly model: NaiveBayesModel) {
    const documents = model.docCounts.reduce((sum, count) => sum + count, 0);
    this.logPriors = model.docCounts.map((count) => Math.log(count / documents));
    this.counts = model.featureCounts.map((counts) => new Map(Object.entries(counts)));
    this.denominators = this.counts.map((counts) => {
      let total = 0;
      for (const [feature, count] of counts) {
        total += count;
        this.vocabulary.add(feature);
      }
      return total + model.vocabularySize;
    });
  }

  /** Posterior probability per label, most likely first. */
  predict(text: string): Prediction[] {
    const known = features(text).filter((feature) => this.vocabulary.has(feature));
    const scores = this.model.labels.map((_, index) => {
      const counts = this.counts[index];
      const denominator = this.denominators[index] ?? 1;
      let score = this.logPriors[index] ?? 0;
      for (const feature of known) score += Math.log(((counts?.get(feature) ?? 0) + 1) / denominator);
      return score / this.model.temperature;
    });
    const top = Math.max(...scores);
    const weights = scores.map((score) => Math.exp(score - top));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return this.model.labels
      .map((label, index) => ({ label, probability: (weights[index] ?? 0) / total }))
      .sort((a, b) => b.probability - a.probability);
  }
}
