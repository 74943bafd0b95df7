import { StateMachine } from '../common/state-machine';

/**
 * pending: not tried yet · sending: claimed by a worker until its lease ends · sent: every configured
 * channel took it · skipped: the day had no traffic, nothing was sent (the row's note says so) ·
 * failed: the last attempt failed; the job retries it, or an admin re-sends it.
 */
export type DigestStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed';

/**
 * A worker claims a pending or failed digest (sending) and ends it sent, skipped or failed. A claim whose
 * lease ran out (its worker died) may be taken again; an admin re-send claims a sent or skipped one.
 */
export const DIGEST_STATE_MACHINE = new StateMachine<DigestStatus>('digest', {
  pending: ['sending'],
  sending: ['sending', 'sent', 'skipped', 'failed'],
  failed: ['sending'],
  sent: ['sending'],
  skipped: ['sending'],
});
