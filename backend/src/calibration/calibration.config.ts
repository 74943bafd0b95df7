import { z } from 'zod';

/** The auto-send gate: learned from reviewer outcomes or the static thresholds, and audit sampling. */
export const CalibrationConfig = {
  /**
   * learned: a category goes out alone only once reviewer outcomes prove its precision (until then the AI
   * drafts and people approve). static: the configured thresholds, as before. Learned by default: a new
   * installation has earned nothing, so nothing goes out unreviewed until reviewers have shown it is right.
   */
  AUTO_SEND_MODE: z.enum(['learned', 'static']).default('learned'),
  /** The one-sided 95% lower bound of a category's precision above its threshold must reach this. */
  AUTO_SEND_TARGET_PRECISION: z.coerce.number().gt(0).lt(1).default(0.98),
  /** Labelled outcomes a threshold needs above it before it counts. */
  AUTO_SEND_MIN_EVIDENCE: z.coerce.number().int().min(1).default(30),
  /** How often workers recompute the learned thresholds (also at once on POST /api/v1/calibration/recompute). */
  CALIBRATION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(10 * 60_000),
  /** Share of runs that would go out alone sent to review instead, so precision above the threshold stays measured. */
  AUTO_SEND_AUDIT_RATE: z.coerce.number().min(0).max(1).default(0.05),
};
