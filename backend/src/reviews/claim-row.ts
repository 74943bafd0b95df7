import type { z } from 'zod';
import type { ClaimSchema } from '@handoff/contracts';

/**
 * Selects the claim of review_tasks `t`. The join only matches a claim that has
 * not expired, so an expired claim reads as no claim without any cleanup job.
 */
export const CLAIM_SELECT = `t.claimed_by, t.claimed_until, claimer.name AS claimer_name`;
export const CLAIM_JOIN = `LEFT JOIN reviewers claimer ON claimer.id = t.claimed_by AND t.claimed_until > now()`;

export interface ClaimRow {
  claimed_by: string | null;
  claimed_until: Date | null;
  claimer_name: string | null;
}

export function claimOf(row: ClaimRow): z.infer<typeof ClaimSchema> | null {
  if (!row.claimed_by || !row.claimed_until || row.claimer_name === null) return null;
  return { reviewerId: row.claimed_by, reviewerName: row.claimer_name, until: row.claimed_until.toISOString() };
}
