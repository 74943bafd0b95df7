import type { DeadlineAction } from '@handoff/contracts';
import type { AppConfig } from '../config/config.schema';

export interface ReviewDeadline {
  dueAt: Date;
  /** Null when the category sends no reminder. */
  remindAt: Date | null;
  action: DeadlineAction;
}

type DeadlineSettings = Pick<
  AppConfig,
  'REVIEW_DEADLINES' | 'REVIEW_DUE_MINUTES' | 'REVIEW_REMINDER_MINUTES_BEFORE' | 'REVIEW_DEADLINE_ACTION'
>;

/** A review's timers: the category's override, then REVIEW_DEADLINES.default, then the global settings. */
export function reviewDeadline(config: DeadlineSettings, category: string, openedAt: Date): ReviewDeadline {
  const deadlines = new Map(Object.entries(config.REVIEW_DEADLINES));
  const own = deadlines.get(category) ?? {};
  const fallback = deadlines.get('default') ?? {};
  const dueMinutes = own.dueMinutes ?? fallback.dueMinutes ?? config.REVIEW_DUE_MINUTES;
  const reminderBefore =
    own.reminderMinutesBefore ?? fallback.reminderMinutesBefore ?? config.REVIEW_REMINDER_MINUTES_BEFORE;
  const dueAt = new Date(openedAt.getTime() + dueMinutes * 60_000);
  // A threshold longer than the whole due time reminds at once rather than never.
  const remindAt =
    reminderBefore > 0 ? new Date(Math.max(openedAt.getTime(), dueAt.getTime() - reminderBefore * 60_000)) : null;
  return { dueAt, remindAt, action: own.action ?? fallback.action ?? config.REVIEW_DEADLINE_ACTION };
}
