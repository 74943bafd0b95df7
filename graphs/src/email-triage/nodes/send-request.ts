import { approvedReply } from '../../approval';
import { ReplyIntentSchema, type RunOutcome } from '../../schemas';
import type { TriagePorts } from '../../ports';
import type { TriageState, TriageStep } from '../state';

interface Approval {
  text: string;
  approvedBy: string;
  outcome: RunOutcome;
}

/** What may go out and who let it; nothing leaves without policy or a reviewer (whose rule is approvedReply). */
function approval({ runId, routing, decision, draftText }: TriageState): Approval {
  if (routing === 'auto_send') return { text: draftText, approvedBy: 'auto', outcome: 'auto_send' };
  const approved = decision && approvedReply(draftText, decision, decision.actor);
  if (approved) return { ...approved, outcome: 'approved' };
  throw new Error(`run ${runId}: send_request reached without approval`);
}

export function sendRequestNode({ outbox }: TriagePorts): TriageStep {
  return async (state) => {
    const { text, approvedBy, outcome } = approval(state);
    // The outbox is idempotent per runId, so re-running this step cannot send twice.
    await outbox.requestReply(ReplyIntentSchema.parse({ runId: state.runId, text, approvedBy }));
    return { finalText: text, outcome };
  };
}
