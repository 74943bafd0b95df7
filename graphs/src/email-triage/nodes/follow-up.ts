import type { TriagePorts } from '../../ports';
import type { TriageStep } from '../state';
import { requireClassification } from './require';

/**
 * One conversation, one run at a time: once the message's category is known, the follow-up policy decides
 * whether this run answers the conversation (superseding an earlier open run) or lets the earlier run answer.
 * The port records the decision, so re-running this step after a crash decides the same way.
 */
export function followUpNode({ followUps }: TriagePorts): TriageStep {
  return async (state) => {
    if (!followUps) return {};
    const { category } = requireClassification(state);
    return (await followUps.decide(state.runId, category)) === 'ignore' ? { outcome: 'ignored' } : {};
  };
}
