import { z } from 'zod';

/** One point of a category's coverage–precision curve: what auto-sending at this threshold would have done. */
export const CalibrationCurvePointSchema = z.object({
  threshold: z.number(),
  coverage: z.number(),
  precision: z.number(),
  lowerBound: z.number(),
});
export type CalibrationCurvePoint = z.infer<typeof CalibrationCurvePointSchema>;

/** An admin's pin on a category: `review` or `auto` whatever the evidence, or `learned` to follow it again. */
export const CalibrationPinModeSchema = z.enum(['review', 'auto', 'learned']);

/**
 * GET /api/v1/calibration: per category, whether it may go out alone and how sure that is. `mode` is what
 * the route step does now (pins included; under AUTO_SEND_MODE=static, what the static threshold does);
 * `threshold` the confidence it needs; `evidence`/`successes`/`precisionEstimate`/`precisionLowerBound` are
 * over the labelled runs at or above the learned threshold (over all of them when none earned it);
 * `coverage` is the share of the category's labelled runs the learned threshold lets through.
 */
export const CalibrationCategorySchema = z.object({
  category: z.string(),
  mode: z.enum(['auto', 'review']),
  threshold: z.number().nullable(),
  evidence: z.number().int(),
  successes: z.number().int(),
  precisionEstimate: z.number().nullable(),
  precisionLowerBound: z.number().nullable(),
  coverage: z.number(),
  override: z.object({ mode: z.enum(['review', 'auto']), threshold: z.number().nullable() }).nullable(),
  curve: z.array(CalibrationCurvePointSchema),
});
export type CalibrationCategory = z.infer<typeof CalibrationCategorySchema>;

export const CalibrationSchema = z.object({
  /** AUTO_SEND_MODE: learned or static. */
  autoSendMode: z.enum(['learned', 'static']),
  target: z.number(),
  minEvidence: z.number().int(),
  auditRate: z.number(),
  /** When the gate was last recomputed; null before the first recompute. */
  updatedAt: z.string().nullable(),
  categories: z.array(CalibrationCategorySchema),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** PUT /api/v1/calibration/:category (admin). `threshold` only with mode auto. */
export const CalibrationPinInputSchema = z
  .object({ mode: CalibrationPinModeSchema, threshold: z.number().min(0).max(1).optional() })
  .refine((input) => input.threshold === undefined || input.mode === 'auto', {
    message: 'a threshold can only be pinned with mode auto',
    path: ['threshold'],
  });
export type CalibrationPinInput = z.infer<typeof CalibrationPinInputSchema>;

/** GET /api/v1/calibration/history?limit=: mode changes, newest first. */
export const CalibrationChangeSchema = z.object({
  id: z.string(),
  category: z.string(),
  fromMode: z.enum(['auto', 'review']),
  toMode: z.enum(['auto', 'review']),
  /** earned: recompute found proof · demoted: the bound fell below target · pinned: an admin's pin. */
  cause: z.enum(['earned', 'demoted', 'pinned']),
  actor: z.string(),
  threshold: z.number().nullable(),
  precisionLowerBound: z.number().nullable(),
  at: z.string(),
});
export type CalibrationChange = z.infer<typeof CalibrationChangeSchema>;
export const CalibrationHistorySchema = z.object({ items: z.array(CalibrationChangeSchema) });
