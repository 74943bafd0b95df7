import { StateMachine } from '../common/state-machine';

/**
 * pending: waiting for a person · redrafting: a redraft was asked for · decided: final decision made ·
 * timed_out: closed by its deadline's `close` action (final, nothing sent).
 */
export type ReviewTaskStatus = 'pending' | 'redrafting' | 'decided' | 'timed_out';

/**
 * A pending review is decided (first decision wins), sent back for a redraft, or
 * closed by its deadline; a redraft's new round makes it pending again.
 */
export const REVIEW_STATE_MACHINE = new StateMachine<ReviewTaskStatus>('review', {
  pending: ['decided', 'redrafting', 'timed_out'],
  redrafting: ['pending'],
  decided: [],
  timed_out: [],
});
