import type { TriagePolicy } from '../ports';
import type { CaseResult } from './runner';

export interface CategoryScore {
  category: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

export interface GatePoint {
  threshold: number;
  /** Share of all messages that would be sent without review. */
  coverage: number;
  /** Share of those whose category is right; null when nothing would be sent. */
  precision: number | null;
  sent: number;
}

export interface Metrics {
  messages: number;
  accuracy: number;
  macroF1: number;
  perCategory: CategoryScore[];
  confusion: { labels: string[]; matrix: number[][] };
  calibration: { ece: number; bins: CalibrationBin[] };
  autoSend: { sent: number; rate: number; precision: number | null; wrong: number };
  /** The gate swept over one threshold for every category; risk flags and always-review categories still apply. */
  gateCurve: GatePoint[];
}

const CALIBRATION_BINS = 10;
const CURVE_STEPS = 100;

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

function categoryScores(results: CaseResult[], labels: string[]): CategoryScore[] {
  return labels.map((category) => {
    const support = results.filter((result) => result.expected === category).length;
    const predicted = results.filter((result) => result.predicted === category).length;
    const hits = results.filter((result) => result.expected === category && result.predicted === category).length;
    const precision = ratio(hits, predicted);
    const recall = ratio(hits, support);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { category, support, predicted, precision, recall, f1 };
  });
}

/** Expected calibration error over equal-width bins of the classifier's confidence in its category. */
function calibration(results: CaseResult[]): { ece: number; bins: CalibrationBin[] } {
  const bins = Array.from({ length: CALIBRATION_BINS }, (_, index) => {
    const from = index / CALIBRATION_BINS;
    const to = (index + 1) / CALIBRATION_BINS;
    const inside = results.filter(({ categoryConfidence: p }) =>
      index === CALIBRATION_BINS - 1 ? p >= from : p >= from && p < to,
    );
    const meanConfidence = ratio(
      inside.reduce((sum, result) => sum + result.categoryConfidence, 0),
      inside.length,
    );
    const accuracy = ratio(inside.filter((result) => result.predicted === result.expected).length, inside.length);
    return { from, to, count: inside.length, meanConfidence, accuracy };
  });
  const ece = bins.reduce(
    (sum, bin) => sum + ratio(bin.count, results.length) * Math.abs(bin.meanConfidence - bin.accuracy),
    0,
  );
  return { ece, bins };
}

/** Would the policy ever let this run skip a human, given a high enough confidence? */
function gateEligible(result: CaseResult, policy: TriagePolicy): boolean {
  return result.riskFlags.length === 0 && !policy.alwaysReview(result.predicted);
}

function gateCurve(results: CaseResult[], policy: TriagePolicy): GatePoint[] {
  const eligible = results.filter((result) => gateEligible(result, policy));
  return Array.from({ length: CURVE_STEPS + 1 }, (_, step) => {
    const threshold = step / CURVE_STEPS;
    const sent = eligible.filter((result) => result.confidence >= threshold);
    const right = sent.filter((result) => result.predicted === result.expected).length;
    return {
      threshold,
      coverage: ratio(sent.length, results.length),
      precision: sent.length === 0 ? null : right / sent.length,
      sent: sent.length,
    };
  });
}

export function computeMetrics(results: CaseResult[], policy: TriagePolicy): Metrics {
  const labels = policy.taxonomy.map((category) => category.key);
  const perCategory = categoryScores(results, labels);
  // Macro-F1 over the categories the set contains, so a set without, say, legal is not marked down for it.
  const present = perCategory.filter((score) => score.support > 0);
  const matrix = labels.map((expected) =>
    labels.map(
      (predicted) => results.filter((result) => result.expected === expected && result.predicted === predicted).length,
    ),
  );
  const sent = results.filter((result) => result.routing === 'auto_send');
  const wrong = sent.filter((result) => result.predicted !== result.expected).length;
  return {
    messages: results.length,
    accuracy: ratio(results.filter((result) => result.predicted === result.expected).length, results.length),
    macroF1: ratio(
      present.reduce((sum, score) => sum + score.f1, 0),
      present.length,
    ),
    perCategory,
    confusion: { labels, matrix },
    calibration: calibration(results),
    autoSend: {
      sent: sent.length,
      rate: ratio(sent.length, results.length),
      precision: sent.length === 0 ? null : (sent.length - wrong) / sent.length,
      wrong,
    },
    gateCurve: gateCurve(results, policy),
  };
}

/** Word-level F1 between a draft and the reply a person would send: a rough measure of content overlap. */
export function replyOverlap(draft: string, expected: string): number {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const expectedCounts = new Map<string, number>();
  for (const word of words(expected)) expectedCounts.set(word, (expectedCounts.get(word) ?? 0) + 1);
  const draftWords = words(draft);
  let common = 0;
  for (const word of draftWords) {
    const left = expectedCounts.get(word) ?? 0;
    if (left > 0) {
      common += 1;
      expectedCounts.set(word, left - 1);
    }
  }
  const precision = ratio(common, draftWords.length);
  const recall = ratio(common, words(expected).length);
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
