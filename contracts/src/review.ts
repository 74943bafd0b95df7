import { z } from 'zod';
import { ClassificationSchema } from './classification';
import { CitationSchema } from './knowledge';

/** Why a run went to a human instead of out on its own. */
export const ReviewReasonSchema = z.enum([
  'low_confidence',
  'always_review_category',
  'risk_flagged',
  'redraft_requested',
  /** The knowledge base has articles, but none is relevant enough to this email. */
  'no_supporting_article',
  /** The draft states a number, time or amount that none of its sources contains. */
  'unsupported_claim',
  /** A reviewer corrected the category; the new draft for it is shown to a person. */
  'category_corrected',
  /** AUTO_SEND_MODE=learned and reviewer outcomes have not (or no longer) shown the category meets the target. */
  'not_yet_earned',
  /** The run would have gone out alone; it was drawn (AUTO_SEND_AUDIT_RATE) so a person checks it. */
  'audit_sample',
]);
export type ReviewReason = z.infer<typeof ReviewReasonSchema>;

/** The payload of the review node's interrupt(): what a reviewer is asked to decide on. */
export const ReviewRequestSchema = z.object({
  runId: z.string(),
  /** 0 for the first draft, n after the n-th redraft. */
  round: z.number().int().nonnegative(),
  reasons: z.array(ReviewReasonSchema),
  classification: ClassificationSchema,
  draft: z.string(),
  confidence: z.number().min(0).max(1),
  confidenceReasons: z.array(z.string()),
  redraftsRemaining: z.number().int().nonnegative(),
  /** The knowledge passages the draft is grounded in; absent in reviews opened before the knowledge base. */
  citations: z.array(CitationSchema).default([]),
  /** Drawn by audit sampling: it would have been auto-sent. Absent in requests recorded before sampling existed. */
  auditSample: z.boolean().default(false),
  /** The offline model version that classified the run; null for other models and older requests. */
  modelVersion: z.number().int().positive().nullable().default(null),
});
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

export const DecisionSurfaceSchema = z.enum(['web', 'slack', 'api']);
export type DecisionSurface = z.infer<typeof DecisionSurfaceSchema>;

const text = z.string().trim().min(1).max(20_000);

/** `recategorise` is recorded by POST /api/v1/reviews/:id/category, never sent to /decision. */
export const DecisionActionSchema = z.enum(['approve', 'edit', 'reject', 'redraft', 'recategorise']);
export type DecisionAction = z.infer<typeof DecisionActionSchema>;

/** POST /api/v1/reviews/:id/decision: what a reviewer asks for, as the API and UI accept it. */
export const DecisionInputSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve') }),
  z.object({ action: z.literal('edit'), text }),
  z.object({ action: z.literal('reject'), reason: text }),
  z.object({ action: z.literal('redraft'), feedback: text }),
]);
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

/** A taxonomy key as a reviewer names it. */
export const CategoryKeySchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'must be a category key such as order_status');

/** POST /api/v1/reviews/:id/category: the category the message really is. The review stays open with a new draft. */
export const CategoryCorrectionInputSchema = z.object({ category: CategoryKeySchema });
export type CategoryCorrectionInput = z.infer<typeof CategoryCorrectionInputSchema>;

/** Everything a reviewer can do to a review: a decision, or a category correction. */
export const ReviewActionInputSchema = z.discriminatedUnion('action', [
  ...DecisionInputSchema.options,
  z.object({ action: z.literal('recategorise'), category: CategoryKeySchema }),
]);
export type ReviewActionInput = z.infer<typeof ReviewActionInputSchema>;

/** POST /api/v1/reviews/:id/decision → 200: the decision that was recorded. */
export const DecisionOutcomeSchema = z.object({
  decisionId: z.string(),
  reviewId: z.string(),
  runId: z.string(),
  action: DecisionActionSchema,
  actor: z.string(),
  decidedAt: z.string(),
});
export type DecisionOutcome = z.infer<typeof DecisionOutcomeSchema>;
