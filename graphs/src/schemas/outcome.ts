import { z } from 'zod';

/**
 * How a finished run ended, as the graph sees it. ignored: a follow-up the conversation's follow-up
 * policy lets go unanswered (e.g. a "thank you" while the earlier message is still being handled).
 */
export const RunOutcomeSchema = z.enum(['auto_send', 'approved', 'rejected', 'ignored']);
export type RunOutcome = z.infer<typeof RunOutcomeSchema>;

/** Written by the send-request node; the backend turns it into an outbox row. */
export const ReplyIntentSchema = z.object({
  runId: z.string(),
  text: z.string().min(1),
  /** Who let it go: "auto" for auto-send, otherwise the reviewer. */
  approvedBy: z.string(),
});
export type ReplyIntent = z.infer<typeof ReplyIntentSchema>;
