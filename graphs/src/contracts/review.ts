import { z } from 'zod';
import { ClassificationSchema } from './classification';

export const MAX_REDRAFTS = 3;

/** Why a run went to a human instead of out on its own. */
export const ReviewReasonSchema = z.enum([
  'low_confidence',
  'always_review_category',
  'risk_flagged',
  'redraft_requested',
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
});
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

export const DecisionSurfaceSchema = z.enum(['web', 'slack', 'api']);
export type DecisionSurface = z.infer<typeof DecisionSurfaceSchema>;

const text = z.string().trim().min(1).max(20_000);

/** What a reviewer asks for, as the API and UI accept it. */
export const DecisionInputSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve') }),
  z.object({ action: z.literal('edit'), text }),
  z.object({ action: z.literal('reject'), reason: text }),
  z.object({ action: z.literal('redraft'), feedback: text }),
]);
export type DecisionInput = z.infer<typeof DecisionInputSchema>;
export type DecisionAction = DecisionInput['action'];

/** The value the review interrupt is resumed with: the decision plus who made it. */
export const ResumeDecisionSchema = z.intersection(
  DecisionInputSchema,
  z.object({
    actor: z.string().min(1),
    surface: DecisionSurfaceSchema,
    round: z.number().int().nonnegative(),
  }),
);
export type ResumeDecision = z.infer<typeof ResumeDecisionSchema>;
