import { StateMachine } from '../common/state-machine';

/**
 * pending: ready to send · sending: claimed by a sender · sent: accepted by the server ·
 * failed: permanently refused, or its approval no longer matches it · uncertain: a sender died mid-send, so we
 * cannot know; never retried · superseded: the customer wrote again before it was sent; never sent.
 */
export type OutboundStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain' | 'superseded';

/**
 * A sender claims a pending row (sending) and ends it sent, failed, or back to pending
 * when the server did not take it; a row found still sending is uncertain. A pending row
 * whose retries ran out is failed, and a replay puts a failed (refused) reply back to pending. A pending row
 * whose conversation has a newer message from the customer is superseded instead of sent.
 */
export const OUTBOUND_STATE_MACHINE = new StateMachine<OutboundStatus>('outbound', {
  pending: ['sending', 'failed', 'superseded'],
  sending: ['sent', 'failed', 'pending', 'uncertain'],
  failed: ['pending'],
  sent: [],
  uncertain: [],
  superseded: [],
});
