import { z } from 'zod';

/**
 * What happens to a new message in a conversation whose earlier run is still open (drafting, waiting for
 * review, or approved but not yet sent), per the new message's category:
 * supersede: the earlier run stops (its review closes as superseded) and this run answers the whole thread ·
 * queue: this run waits until the earlier one ends, then answers · ignore: recorded, no reply of its own
 * (for "thank you"-type follow-ups; the earlier run answers the conversation).
 */
export const FOLLOW_UP_POLICIES = ['supersede', 'queue', 'ignore'] as const;
export type FollowUpPolicy = (typeof FOLLOW_UP_POLICIES)[number];

/** What a run's follow_up step decided: a policy, or none when no earlier run of its conversation was open. */
export type FollowUpDecision = FollowUpPolicy | 'none';

/** FOLLOW_UP_POLICY: per category, with "default" for the rest (supersede unless set). */
export const FollowUpPolicyMapSchema = z.record(z.string(), z.enum(FOLLOW_UP_POLICIES));
export type FollowUpPolicyMap = z.infer<typeof FollowUpPolicyMapSchema>;

export const DEFAULT_FOLLOW_UP_POLICY: FollowUpPolicy = 'supersede';

/** The policy for a follow-up of this category. A Map, so a category named like an Object member cannot match it. */
export function followUpPolicyFor(map: FollowUpPolicyMap, category: string): FollowUpPolicy {
  const entries = new Map(Object.entries(map));
  return entries.get(category) ?? entries.get('default') ?? DEFAULT_FOLLOW_UP_POLICY;
}

/** Keys that are neither "default" nor a category of the taxonomy: a typo would silently change nothing. */
export function unknownFollowUpKeys(map: FollowUpPolicyMap, categories: readonly string[]): string[] {
  const known = new Set(['default', ...categories]);
  return Object.keys(map).filter((key) => !known.has(key));
}
