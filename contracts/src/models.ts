import { z } from 'zod';

/** candidate: being built or judged · active: classifies new runs · rejected: failed the gate or a stage · retired: was active. */
export const ModelStatusSchema = z.enum(['candidate', 'active', 'rejected', 'retired']);
export type ModelStatus = z.infer<typeof ModelStatusSchema>;

export const MODEL_STAGES = ['collect', 'train', 'evaluate', 'register', 'promote'] as const;
export const ModelStageSchema = z.enum(MODEL_STAGES);
export type ModelStage = z.infer<typeof ModelStageSchema>;

export const ModelScoreSchema = z.object({
  examples: z.number().int().nonnegative(),
  accuracy: z.number(),
  macroF1: z.number(),
  recall: z.record(z.string(), z.number()),
  support: z.record(z.string(), z.number()),
});
export type ModelScore = z.infer<typeof ModelScoreSchema>;

export const ModelMetricsSchema = z.object({
  /** The candidate on the recent holdout and on the shipped evaluation set. */
  holdout: ModelScoreSchema,
  eval: ModelScoreSchema,
  /** The model that was active when this one was evaluated, on the same sets. */
  baseline: z.object({ version: z.number().int(), holdout: ModelScoreSchema, eval: ModelScoreSchema }),
});
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;

export const StageRecordSchema = z.object({
  /** running: an attempt is under way (attempts counts it) · done · failed: the last attempt failed. */
  status: z.enum(['running', 'done', 'failed']),
  attempts: z.number().int().nonnegative(),
  at: z.iso.datetime(),
  /** What the stage produced (counts, figures), or its last error. */
  output: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

export const ModelVersionSchema = z.object({
  version: z.number().int().positive(),
  status: ModelStatusSchema,
  /** running: the pipeline is still at work on it · finished · failed (see failedStage and error). */
  pipeline: z.enum(['running', 'finished', 'failed']),
  trigger: z.enum(['shipped', 'schedule', 'admin']),
  triggeredBy: z.string().nullable(),
  /** A control run (labels shuffled) that the gate must reject. */
  control: z.enum(['shuffled-labels']).nullable(),
  /** Training examples per category: from the team's labelled traffic and from the shipped files. */
  trainingCounts: z.record(z.string(), z.object({ traffic: z.number().int(), shipped: z.number().int() })),
  metrics: ModelMetricsSchema.nullable(),
  /** Why it was promoted, rejected or failed. */
  reason: z.string().nullable(),
  failedStage: ModelStageSchema.nullable(),
  stages: z.partialRecord(ModelStageSchema, StageRecordSchema),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  activatedAt: z.iso.datetime().nullable(),
  retiredAt: z.iso.datetime().nullable(),
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

export const ModelListSchema = z.object({
  /** The version the database marks active. */
  active: z.number().int().positive(),
  /** The version the process that answered classifies with (equals `active` once the swap reached it). */
  serving: z.number().int().positive(),
  items: z.array(ModelVersionSchema),
});
export type ModelList = z.infer<typeof ModelListSchema>;

export const RetrainInputSchema = z
  .object({
    /** A control run: train on shuffled labels; the gate must reject it. */
    control: z.enum(['shuffled-labels']).optional(),
  })
  .strict();
export type RetrainInput = z.infer<typeof RetrainInputSchema>;

export const ModelVersionParamSchema = z.coerce.number().int().positive().max(2_147_483_647);
