import { StateMachine } from '../common/state-machine';

/**
 * pending: ready to send · sending: claimed by a sender · sent: accepted by the server ·
 * failed: permanently refused · uncertain: a sender died mid-send, so we cannot know; never retried.
 */
export type OutboundStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'uncertain';

/**
 * A sender claims a pending row (sending) and ends it sent, failed, or back to pending
 * when the server did not take it; a row found still sending is uncertain. A pending row
 * whose retries ran out is failed, and a replay puts a failed (refused) reply back to pending.
 */
export const OUTBOUND_STATE_MACHINE = new StateMachine<OutboundStatus>('outbound', {
  pending: ['sending', 'failed'],
  sending: ['sent', 'failed', 'pending', 'uncertain'],
  failed: ['pending'],
  sent: [],
  uncertain: [],
});
