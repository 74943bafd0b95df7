import { extractCitations, NO_RETRIEVAL, toCitation } from '../../knowledge/passages';
import { ConfidenceSchema } from '../../schemas';
import type { TriagePorts } from '../../ports';
import { triageMessage, type TriageStep } from '../state';
import { requireClassification } from './require';

export function draftNode({ model, knowledge, policy }: TriagePorts): TriageStep {
  return async (state, config) => {
    const message = triageMessage(state, config);
    const { feedback } = state;
    const classification = requireClassification(state);
    // A read, so it is safe to repeat when the node re-executes on resume or redraft.
    const retrieval = knowledge ? await knowledge.retrieve(message, classification) : NO_RETRIEVAL;
    // On a redraft the draft in state is the one the reviewer sent back.
    const redraft = state.redrafts > 0 && feedback !== null ? { previousDraft: state.draftText, feedback } : {};
    const draft = await model.draft({
      message,
      classification,
      taxonomy: policy.taxonomy,
      ...redraft,
      ...(retrieval.enabled ? { passages: retrieval.passages, examples: retrieval.examples } : {}),
    });
    // The customer reads no [n] markers: they become the run's citations.
    const { text, cited } = extractCitations(draft.text, retrieval.passages);
    return {
      draftText: text,
      selfAssessment: ConfidenceSchema.parse(draft.assessment),
      knowledgeEnabled: retrieval.enabled,
      citations: cited.map(toCitation),
    };
  };
}
