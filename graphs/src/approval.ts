import type { ReviewActionInput } from '@handoff/contracts';
import { REVIEWER_NOTE_MARKER } from './llm/local/feedback';

/** What goes out and who let it go. */
export interface ApprovedReply {
  text: string;
  approvedBy: string;
}

/** A decision whose reply cannot go out as it stands; the reviewer has to change something first. */
export class ApprovalRefusedError extends Error {}

/**
 * The one approval rule, used by the graph's send_request node and by the
 * backend when a decision writes the outbox row, so the two cannot disagree:
 * approve sends the draft, edit sends the reviewer's text, reject, redraft and
 * recategorise send nothing (null). A reply still carrying the note for the reviewer, or an
 * approval of an empty draft, is refused.
 */
export function approvedReply(draft: string, decision: ReviewActionInput, actor: string): ApprovedReply | null {
  const text = decision.action === 'approve' ? draft : decision.action === 'edit' ? decision.text : null;
  if (text === null) return null;
  if (decision.action === 'approve' && !draft.trim()) {
    throw new ApprovalRefusedError('there is no draft to approve; write the reply with an edit');
  }
  if (text.includes(REVIEWER_NOTE_MARKER)) {
    throw new ApprovalRefusedError('the reply still contains the note for the reviewer; edit it out before sending');
  }
  return { text, approvedBy: actor };
}
