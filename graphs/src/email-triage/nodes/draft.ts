import type { TriagePorts } from '../../ports';
import type { TriageStep } from '../state';
import { requireClassification } from './require';

export function draftNode({ model }: TriagePorts): TriageStep {
  return async (state) => {
    const { feedback } = state;
    // On a redraft the draft in state is the one the reviewer sent back.
    const redraft = state.redrafts > 0 && feedback !== null ? { previousDraft: state.draftText, feedback } : {};
    const draft = await model.draft({
      message: state.message,
      classification: requireClassification(state),
      ...redraft,
    });
    return { draftText: draft };
  };
}
