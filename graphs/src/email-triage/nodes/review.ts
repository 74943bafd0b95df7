import { interrupt } from '@langchain/langgraph';
import { ReviewRequestSchema, type ReviewRequest } from '@handoff/contracts';
import { ResumeDecisionSchema, type ResumeDecision } from '../../schemas';
import type { TriagePorts } from '../../ports';
import type { TriageStep } from '../state';
import { requireClassification } from './require';

/** A decision applies to the open review when it answers this round and asks for nothing used up. */
export function decisionApplies(decision: ResumeDecision, round: number, maxRedrafts: number): boolean {
  return decision.round === round && !(decision.action === 'redraft' && round >= maxRedrafts);
}

export function reviewNode({ policy }: TriagePorts): TriageStep {
  return (state) => {
    // Everything before interrupt() runs again on resume, so it only reads state.
    const request = ReviewRequestSchema.parse({
      runId: state.runId,
      round: state.redrafts,
      reasons: state.reviewReasons,
      classification: requireClassification(state),
      draft: state.draftText,
      confidence: state.confidence,
      confidenceReasons: state.confidenceReasons,
      redraftsRemaining: Math.max(0, policy.maxRedrafts - state.redrafts),
      citations: state.citations,
    } satisfies ReviewRequest);
    const parsed = ResumeDecisionSchema.safeParse(interrupt(request));
    // The API refuses these too. Throwing here would store the bad resume value
    // and replay it on every later resume, so instead the graph asks again.
    if (!parsed.success || !decisionApplies(parsed.data, state.redrafts, policy.maxRedrafts)) {
      return { decision: null };
    }
    const decision = parsed.data;
    return decision.action === 'reject' ? { decision, outcome: 'rejected' } : { decision };
  };
}
