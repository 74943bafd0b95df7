import { interrupt } from '@langchain/langgraph';
import { ReviewRequestSchema, type ReviewRequest } from '@handoff/contracts';
import { ResumeDecisionSchema, type ResumeDecision } from '../../schemas';
import type { TriagePorts } from '../../ports';
import { reviewRound, type TriageStep } from '../state';
import { requireClassification } from './require';

/**
 * A decision applies to the open review when it answers this round and asks for nothing used up
 * (redrafts) or unknown (a category outside the taxonomy).
 */
export function decisionApplies(
  decision: ResumeDecision,
  state: { round: number; redrafts: number },
  policy: Pick<TriagePorts['policy'], 'maxRedrafts' | 'taxonomy'>,
): boolean {
  if (decision.round !== state.round) return false;
  if (decision.action === 'redraft') return state.redrafts < policy.maxRedrafts;
  if (decision.action === 'recategorise') return policy.taxonomy.some(({ key }) => key === decision.category);
  return true;
}

export function reviewNode({ policy }: TriagePorts): TriageStep {
  return (state) => {
    // Everything before interrupt() runs again on resume, so it only reads state.
    const request = ReviewRequestSchema.parse({
      runId: state.runId,
      round: reviewRound(state),
      reasons: state.reviewReasons,
      classification: requireClassification(state),
      draft: state.draftText,
      confidence: state.confidence,
      confidenceReasons: state.confidenceReasons,
      redraftsRemaining: Math.max(0, policy.maxRedrafts - state.redrafts),
      citations: state.citations,
      auditSample: state.routingRecord?.auditSample ?? false,
      // Absent in checkpoints written before model versions.
      modelVersion: state.modelVersion ?? null,
    } satisfies ReviewRequest);
    const parsed = ResumeDecisionSchema.safeParse(interrupt(request));
    // The API refuses these too. Throwing here would store the bad resume value
    // and replay it on every later resume, so instead the graph asks again.
    if (
      !parsed.success ||
      !decisionApplies(parsed.data, { round: reviewRound(state), redrafts: state.redrafts }, policy)
    ) {
      return { decision: null };
    }
    const decision = parsed.data;
    return decision.action === 'reject' ? { decision, outcome: 'rejected' } : { decision };
  };
}
