import type { TriageStep } from '../state';

export function redraftNode(): TriageStep {
  return ({ runId, decision, redrafts }) => {
    if (decision?.action !== 'redraft') throw new Error(`run ${runId}: redraft reached without a redraft decision`);
    return { redrafts: redrafts + 1, feedback: decision.feedback };
  };
}
