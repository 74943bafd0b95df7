import type { ReviewReason } from '@handoff/contracts';
import type { TriagePorts } from '../../ports';
import type { TriageStep } from '../state';
import { requireClassification } from './require';

export function routeNode({ policy }: TriagePorts): TriageStep {
  return (state) => {
    const { category, riskFlags } = requireClassification(state);
    const reasons: ReviewReason[] = [];
    if (state.confidence < policy.autoSendThreshold(category)) reasons.push('low_confidence');
    if (policy.alwaysReview(category)) reasons.push('always_review_category');
    // Auto-send needs a clean bill from the model (its flags) and from our own checks (their findings).
    if (riskFlags.length > 0 || state.safetyFindings.length > 0) reasons.push('risk_flagged');
    // A human asked for this draft, so a human sees it.
    if (state.redrafts > 0) reasons.push('redraft_requested');
    // A draft the knowledge base does not back goes to a person (no_supporting_article, unsupported_claim).
    reasons.push(...state.groundingReasons);
    return { routing: reasons.length === 0 ? 'auto_send' : 'review', reviewReasons: reasons };
  };
}
