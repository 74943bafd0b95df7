import { createHash } from 'node:crypto';
import type { OutboundMessageEntity } from './outbound-message.entity';

/** What an approval (a reviewer's, or the auto-send policy's) lets go out, and in answer to which message. */
export interface ApprovedArtifact {
  text: string;
  /** The address for email; the reply target (callback URL, Slack channel) otherwise. */
  recipient: string;
  subject: string;
  /** The latest inbound message of the thread the text answers: the run's own event. */
  latestInboundEventId: string;
}

/** JSON with object keys sorted, so a value read back from jsonb (which reorders keys) hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The recipient an outbox row's approval covers. */
export function recipientOf(row: Pick<OutboundMessageEntity, 'toAddress' | 'target'>): string {
  return row.toAddress ?? canonical(row.target);
}

/** sha256 over the approved artifact, every field length-delimited (as JSON), so no two artifacts collide by concatenation. */
export function approvalHash(artifact: ApprovedArtifact): string {
  return createHash('sha256')
    .update(
      canonical([
        'handoff-approval-v1',
        artifact.text,
        artifact.recipient,
        artifact.subject,
        artifact.latestInboundEventId,
      ]),
    )
    .digest('hex');
}

/**
 * Whether an outbox row may still go out as approved. `stale`: the customer wrote again after the approval
 * (its thread's latest message is no longer the one the text answers): the reply goes back through
 * supersede. `mismatch`: the row's text, recipient or subject (or the hash itself) is not what was approved:
 * never sent, and left for an operator.
 */
export type ApprovalVerdict =
  { ok: true } | { ok: false; reason: 'stale'; newerEventId: string } | { ok: false; reason: 'mismatch' };

export function verifyApproval(
  row: Pick<OutboundMessageEntity, 'body' | 'toAddress' | 'target' | 'subject' | 'approvalHash'>,
  ownEventId: string,
  newerEventId: string | null,
): ApprovalVerdict {
  const asApproved = approvalHash({
    text: row.body,
    recipient: recipientOf(row),
    subject: row.subject,
    latestInboundEventId: ownEventId,
  });
  if (row.approvalHash !== asApproved) return { ok: false, reason: 'mismatch' };
  if (newerEventId !== null && newerEventId !== ownEventId) return { ok: false, reason: 'stale', newerEventId };
  return { ok: true };
}
