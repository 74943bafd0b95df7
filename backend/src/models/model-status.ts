import type { ModelStatus } from '@handoff/contracts';
import { StateMachine } from '../common/state-machine';

export type { ModelStatus };

/**
 * candidate: the pipeline builds and judges it · active: new runs are classified with it (one at a time) ·
 * rejected: the gate said no, or a stage failed for good · retired: it was active and another took over.
 * An admin may activate a retired, rejected or finished candidate version (roll back or forward).
 */
export const MODEL_STATE_MACHINE = new StateMachine<ModelStatus>('model', {
  candidate: ['active', 'rejected'],
  active: ['retired'],
  retired: ['active'],
  rejected: ['active'],
});
