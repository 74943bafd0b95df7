import { StateMachine } from '../common/state-machine';

/**
 * pending: ready to send · sending: claimed by a sender · sent: accepted by the receiver ·
 * failed: permanently refused, or its approval no longer matches it · uncertain: a sender died after
 * handing the message over (its `committed_at` marker is set) but before recording the answer; settled
 * from the Sent folder, Slack's history, or by an operator · superseded: the customer wrote again before
 * it was sent; never sent.
 */
export type OutboundStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'superseded';

/**
 * A sender claims a pending row (sending) and ends it sent, failed, or back to pending when the
 * receiver did not take it. A row found still sending is claimed again (sending → sending) when its
 * sender stopped before the hand-over marker, and is uncertain when it stopped after it. An
 * uncertain row is settled: sent (found in the Sent folder, or an operator says so) or pending
 * (proved not sent, or an operator chooses to resend). A pending row whose retries ran out is
 * failed, and a replay puts a failed (refused) reply back to pending. A pending row whose
 * conversation has a newer message from the customer is superseded instead of sent.
 */
export const OUTBOUND_STATE_MACHINE = new StateMachine<OutboundStatus>('outbound', {
  pending: ['sending', 'failed', 'superseded'],
  sending: ['sending', 'sent', 'failed', 'pending', 'uncertain'],
  failed: ['pending'],
  uncertain: ['sent', 'pending'],
  sent: [],
  superseded: [],
});
