import type { ApprovedExample } from '@handoff/graphs';

/**
 * Replies reviewers approved for earlier emails like this one. Declared here, implemented by the stage
 * that stores approved replies (delivery), so knowledge does not reach into a later stage's tables.
 */
export interface ApprovedReplies {
  similar(words: string[], limit: number): Promise<ApprovedExample[]>;
}
export const APPROVED_REPLIES = Symbol('APPROVED_REPLIES');
