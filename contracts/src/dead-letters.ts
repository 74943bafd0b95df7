import { z } from 'zod';
import { OutboundStatusSchema } from './runs';

/** GET /api/v1/dead-letters query: newest first; `before` is the previous page's `nextBefore`. */
export const DeadLetterQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});
export type DeadLetterQuery = z.infer<typeof DeadLetterQuerySchema>;

/** A failed run, with the step it failed in and its reply's status when it got that far. */
export const DeadLetterSchema = z.object({
  runId: z.string(),
  eventId: z.string(),
  from: z.string(),
  subject: z.string(),
  error: z.string().nullable(),
  failedStep: z.string().nullable(),
  failedAt: z.string().nullable(),
  reply: z.object({ status: OutboundStatusSchema }).nullable(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export const DeadLetterPageSchema = z.object({ items: z.array(DeadLetterSchema), nextBefore: z.string().nullable() });
export type DeadLetterPage = z.infer<typeof DeadLetterPageSchema>;

/**
 * POST /api/v1/runs/:id/replay → 202: `sending` when the refused reply goes out again, `queued` when the graph
 * continues from its last checkpoint. 409 when the run is not failed; 422 when it cannot be replayed.
 */
export const ReplayResponseSchema = z.object({ runId: z.string(), status: z.enum(['queued', 'sending']) });
export type ReplayResponse = z.infer<typeof ReplayResponseSchema>;
