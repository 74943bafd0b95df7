import { StateMachine } from '../common/state-machine';

/**
 * delivery_uncertain (active, not final): a sender died after handing the reply over and before recording
 * the answer; the run stays visible in the operator queue (GET /api/v1/deliveries?status=uncertain) until
 * the reply is settled sent or sent again ·
 * answered: approved, but its source takes no reply (a webhook with reply channel "none"), so nothing was sent ·
 * timed_out: its review was closed by the deadline's `close` action ·
 * superseded: the customer wrote again before its reply went out; the run named by superseded_by answers
 * the whole conversation instead.
 */
export const FINAL_RUN_STATUSES = [
  'sent',
  'answered',
  'rejected',
  'ignored',
  'failed',
  'timed_out',
  'superseded',
] as const;
const ACTIVE_RUN_STATUSES = ['queued', 'running', 'awaiting_review', 'sending', 'delivery_uncertain'] as const;
export const RUN_STATUSES = [...ACTIVE_RUN_STATUSES, ...FINAL_RUN_STATUSES] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A new run starts queued, or ignored when the loop guard refuses its email. */
export const INITIAL_RUN_STATUSES: readonly RunStatus[] = ['queued', 'ignored'];

const ANY = [...RUN_STATUSES];

/**
 * The run state machine. An active run may move to any status (a retried job
 * re-enters the one it is in); a final run never moves, except that a replay
 * reopens a failed run: queued to continue its graph, sending to resend its refused reply.
 */
export const RUN_STATE_MACHINE = new StateMachine<RunStatus>('run', {
  queued: ANY,
  running: ANY,
  awaiting_review: ANY,
  sending: ANY,
  delivery_uncertain: ANY,
  failed: ['queued', 'sending'],
  sent: [],
  answered: [],
  rejected: [],
  ignored: [],
  timed_out: [],
  superseded: [],
});

export function isFinalRunStatus(status: RunStatus): boolean {
  return (FINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/** How a run ended, as operators count it. */
export type RunOutcome =
  'auto_sent' | 'reviewed_sent' | 'answered' | 'rejected' | 'ignored' | 'failed' | 'timed_out' | 'superseded';

/** The outcome a final run status counts as: a sent reply was either auto-sent or approved by a person. */
export function outcomeOf(status: (typeof FINAL_RUN_STATUSES)[number], approvedBy?: string | null): RunOutcome {
  if (status === 'sent') return approvedBy === 'auto' ? 'auto_sent' : 'reviewed_sent';
  return status;
}
