import { DecisionSurfaceSchema, ReviewActionInputSchema } from '@handoff/contracts';
import { z } from 'zod';

export const MAX_REDRAFTS = 3;

/** The value the review interrupt is resumed with: the decision (or category correction) plus who made it. */
export const ResumeDecisionSchema = z.intersection(
  ReviewActionInputSchema,
  z.object({
    actor: z.string().min(1),
    surface: DecisionSurfaceSchema,
    round: z.number().int().nonnegative(),
  }),
);
export type ResumeDecision = z.infer<typeof ResumeDecisionSchema>;
