import { createHash } from 'node:crypto';

/**
 * The learned auto-send gate's statistics, pure: from reviewer outcomes of one category
 * (the run's confidence and whether its draft was right) to the lowest confidence threshold
 * whose one-sided 95% lower bound on precision meets the target with enough evidence.
 */

/** z for a one-sided 95% bound. */
export const Z_ONE_SIDED_95 = 1.6448536269514722;

/**
 * An edit this small still counts the draft as right: at most 10% of the characters of draft and
 * final text together changed (a typo, a name, a greeting). See normalisedEditDistance.
 */
export const EDITED_SUCCESS_MAX_DISTANCE = 0.1;

export interface LabelledOutcome {
  confidence: number;
  success: boolean;
}

export interface CurvePoint {
  /** Runs at or above this confidence would go out alone. */
  threshold: number;
  /** Share of the category's labelled runs at or above the threshold. */
  coverage: number;
  /** Observed success rate at or above the threshold. */
  precision: number;
  /** One-sided 95% Wilson lower bound of that rate. */
  lowerBound: number;
  evidence: number;
  successes: number;
}

export interface GateOptions {
  targetPrecision: number;
  minEvidence: number;
  /** The curve is thinned to at most this many points (the chosen threshold is always computed on all). */
  maxCurvePoints?: number;
}

export interface CategoryGate {
  /** The lowest threshold that earned auto-send, or null: the category stays in review. */
  threshold: number | null;
  /** Outcomes and successes at or above the threshold (or over all outcomes when none earned it). */
  evidence: number;
  successes: number;
  precisionEstimate: number | null;
  precisionLowerBound: number | null;
  coverage: number;
  /** From the highest threshold to the lowest. */
  curve: CurvePoint[];
}

/** One-sided Wilson score lower bound for `successes` out of `trials` (0 for no trials). */
export function wilsonLowerBound(successes: number, trials: number, z = Z_ONE_SIDED_95): number {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`need 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return 0;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

/**
 * The gate for one category. Thresholds are the distinct confidences seen; a threshold admits every
 * outcome at or above it, so tied confidences always fall on the same side. The lowest threshold
 * with at least `minEvidence` outcomes above it and a lower bound at or above the target wins.
 */
export function computeCategoryGate(outcomes: readonly LabelledOutcome[], options: GateOptions): CategoryGate {
  const total = outcomes.length;
  const sorted = [...outcomes].sort((a, b) => b.confidence - a.confidence);
  const curve: CurvePoint[] = [];
  let evidence = 0;
  let successes = 0;
  for (let i = 0; i < sorted.length; i++) {
    const outcome = sorted[i]!;
    evidence += 1;
    if (outcome.success) successes += 1;
    // Close a point only after the last of a run of equal confidences.
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === outcome.confidence) continue;
    curve.push({
      threshold: outcome.confidence,
      coverage: evidence / total,
      precision: successes / evidence,
      lowerBound: wilsonLowerBound(successes, evidence),
      evidence,
      successes,
    });
  }
  let chosen: CurvePoint | null = null;
  for (const point of curve) {
    if (point.evidence >= options.minEvidence && point.lowerBound >= options.targetPrecision) chosen = point;
  }
  const all = curve.at(-1);
  const basis = chosen ?? all;
  return {
    threshold: chosen?.threshold ?? null,
    evidence: basis?.evidence ?? 0,
    successes: basis?.successes ?? 0,
    precisionEstimate: basis ? basis.precision : null,
    precisionLowerBound: basis ? basis.lowerBound : null,
    coverage: chosen ? chosen.coverage : 0,
    curve: thin(curve, options.maxCurvePoints ?? 50, chosen),
  };
}

/** At most `max` points, evenly spread, always keeping both ends and the chosen one. */
function thin(curve: CurvePoint[], max: number, keep: CurvePoint | null): CurvePoint[] {
  if (curve.length <= max) return curve;
  const step = (curve.length - 1) / (max - 1);
  const picked = new Set<CurvePoint>();
  for (let i = 0; i < max; i++) picked.add(curve[Math.round(i * step)]!);
  if (keep) picked.add(keep);
  return curve.filter((point) => picked.has(point));
}

/**
 * How much a reviewer changed the draft, in [0, 1]: characters inserted plus deleted over the
 * two texts' combined length (0 unchanged, 1 nothing kept). `changedChars` comes from a diff.
 */
export function normalisedEditDistance(changedChars: number, draftLength: number, finalLength: number): number {
  const both = draftLength + finalLength;
  return both === 0 ? 0 : Math.min(1, changedChars / both);
}

/** Whether a labelled outcome counts as a right draft for the gate. */
export function isSuccess(outcome: string, editDistance: number | null): boolean {
  if (outcome === 'sent_unedited') return true;
  return outcome === 'edited' && editDistance !== null && editDistance <= EDITED_SUCCESS_MAX_DISTANCE;
}

/**
 * Whether a run is drawn for audit at `rate`: a hash of its id, so every retry and every worker
 * draws the same answer, and ids (random UUIDs) spread evenly over [0, 1).
 */
export function drawnForAudit(runId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const digest = createHash('sha256').update(`audit:${runId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48 < rate;
}
