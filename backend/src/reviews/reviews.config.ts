import { z } from 'zod';
import { DeadlineActionSchema } from '@handoff/contracts';
import { json, type Report } from '../config/env';

/** One category's review deadline; unset fields fall back to REVIEW_DUE_MINUTES and friends. */
export const ReviewDeadlineSchema = z
  .object({
    dueMinutes: z.number().int().positive().optional(),
    /** 0 sends no reminder. */
    reminderMinutesBefore: z.number().int().min(0).optional(),
    action: DeadlineActionSchema.optional(),
  })
  .strict();

export const ReviewsConfig = {
  REVIEW_DUE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 60),
  /** How long before the due time the reminder goes out; 0 sends none. */
  REVIEW_REMINDER_MINUTES_BEFORE: z.coerce.number().int().min(0).default(60),
  REVIEW_DEADLINE_ACTION: DeadlineActionSchema.default('escalate'),
  /** Per-category overrides keyed by taxonomy category, e.g. {"legal":{"dueMinutes":240,"action":"escalate"}}. */
  REVIEW_DEADLINES: json(z.record(z.string(), ReviewDeadlineSchema)).default({}),
  /** The text the `holding_reply` deadline action sends. */
  REVIEW_HOLDING_REPLY: z
    .string()
    .min(1)
    .default('Thank you for your message. We are looking into it and will get back to you as soon as we can.'),
  REVIEW_CLAIM_MINUTES: z.coerce.number().int().positive().default(15),
};

/** Deadlines name categories of the workflow's taxonomy. */
export function checkReviewsConfig(
  env: { REVIEW_DEADLINES: Record<string, unknown>; TAXONOMY: { key: string }[] },
  report: Report,
): void {
  const categories = new Set(env.TAXONOMY.map((category) => category.key));
  for (const category of Object.keys(env.REVIEW_DEADLINES)) {
    if (category !== 'default' && !categories.has(category))
      report(['REVIEW_DEADLINES'], `"${category}": not a taxonomy category`);
  }
}
