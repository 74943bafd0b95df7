import { PLAIN_STYLE, type ReplyStyle } from './templates';

/** Starts the note the local model puts above a redraft it could not adapt. */
export const REVIEWER_NOTE_MARKER = '[Note for the reviewer, remove before sending:';

const RULES: { pattern: RegExp; change: Partial<ReplyStyle> }[] = [
  { pattern: /\b(?:apologi[sz]e|apology|sorry)\b/i, change: { apology: true } },
  { pattern: /\b(?:shorter|shorten|concise|brief|too long)\b/i, change: { short: true } },
  { pattern: /\b(?:more formal|formal tone|be formal|professional)\b/i, change: { formal: true } },
];

/**
 * What the template system can do with a reviewer's feedback. Only a few
 * requests map onto template switches; anything else is handed back to the
 * reviewer instead of pretending it was applied.
 */
export function interpretFeedback(feedback: string): { style: ReplyStyle; understood: boolean } {
  const matched = RULES.filter((rule) => rule.pattern.test(feedback));
  const style = matched.reduce<ReplyStyle>((current, rule) => ({ ...current, ...rule.change }), PLAIN_STYLE);
  return { style, understood: matched.length > 0 };
}

/** The note that keeps unapplied feedback visible to the reviewer. */
export function reviewerNote(feedback: string): string {
  const quoted = feedback.replace(/\s+/g, ' ').trim();
  return `${REVIEWER_NOTE_MARKER} the offline model cannot rewrite replies and did not apply your feedback "${quoted}". Please edit the reply below before approving.]`;
}
