import type { TriageStep } from '../state';
import { requireClassification } from './require';

/**
 * A reviewer named the message's real category: the draft is written again for it. This
 * opens a new review round but is not a redraft, so it leaves the redraft allowance alone.
 */
export function recategoriseNode(): TriageStep {
  return (state) => {
    const { runId, decision, corrections } = state;
    if (decision?.action !== 'recategorise') {
      throw new Error(`run ${runId}: recategorise reached without a category correction`);
    }
    return {
      // A person said so: the category is certain; the draft's confidence is scored afresh.
      classification: { ...requireClassification(state), category: decision.category, categoryConfidence: 1 },
      corrections: corrections + 1,
      // Feedback on the old category's draft does not apply to the new one.
      feedback: null,
    };
  };
}
