import { z } from 'zod';
import { ClaimSchema } from './review-api';
import { DecisionActionSchema, DecisionSurfaceSchema } from './review';

/** One problem with a request, as a 400 lists it: the field's dotted path and what is wrong with it. */
export const ValidationIssueSchema = z.object({ path: z.string(), message: z.string() });

/** Every 4xx/5xx answer: the status again and a message a person can read; a 400 from validation lists its issues. */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int().min(400).max(599),
  message: z.string(),
  error: z.string().optional(),
  issues: z.array(ValidationIssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * A 409: what was asked for lost a race or does not fit the current state. When someone else decided the
 * review first, `decision` says who and how (null when it was closed by its deadline, with no decision);
 * when someone else holds the review, `claim` names the holder; when the customer wrote again and the review
 * was closed for it, `superseded` names the run that now answers the conversation.
 */
export const ConflictBodySchema = ErrorBodySchema.extend({
  statusCode: z.literal(409),
  decision: z
    .object({ action: DecisionActionSchema, actor: z.string(), surface: DecisionSurfaceSchema, decidedAt: z.string() })
    .nullable()
    .optional(),
  claim: ClaimSchema.optional(),
  superseded: z.object({ reason: z.literal('customer_wrote_again'), runId: z.string(), at: z.string() }).optional(),
});
export type ConflictBody = z.infer<typeof ConflictBodySchema>;
