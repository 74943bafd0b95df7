import { DecisionInputSchema, DecisionSurfaceSchema } from '@handoff/contracts';
import { z } from 'zod';

export const MAX_REDRAFTS = 3;

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
