import { StateMachine } from '../common/state-machine';

/**
 * pending: waiting for a person · redrafting: a redraft was asked for · decided: final decision made ·
 * timed_out: closed by its deadline's `close` action (final, nothing sent) · superseded: closed because the
 * customer wrote again (final; a newer run answers the whole conversation).
 */
export type ReviewTaskStatus = 'pending' | 'redrafting' | 'decided' | 'timed_out' | 'superseded';

/**
 * A pending review is decided (first decision wins), sent back for a redraft, or
 * closed by its deadline; a redraft's new round makes it pending again. A newer message from the customer
 * closes a pending or redrafting review as superseded.
 */
export const REVIEW_STATE_MACHINE = new StateMachine<ReviewTaskStatus>('review', {
  pending: ['decided', 'redrafting', 'timed_out', 'superseded'],
  redrafting: ['pending', 'superseded'],
  decided: [],
  timed_out: [],
  superseded: [],
});
