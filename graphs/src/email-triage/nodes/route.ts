import type { ReviewReason, Routing } from '@handoff/contracts';
import type { GateRule, TriagePorts } from '../../ports';
import type { TriageStep } from '../state';
import { requireClassification } from './require';

export function routeNode({ policy, gate }: TriagePorts): TriageStep {
  return async (state) => {
    const { category, riskFlags } = requireClassification(state);
    const rule: GateRule = gate
      ? await gate.ruleFor(category)
      : { mode: 'static', threshold: policy.autoSendThreshold(category) };
    const reasons: ReviewReason[] = [];
    if (rule.threshold === null) reasons.push('not_yet_earned');
    else if (state.confidence < rule.threshold) reasons.push('low_confidence');
    if (policy.alwaysReview(category)) reasons.push('always_review_category');
    // Auto-send needs a clean bill from the model (its flags) and from our own checks (their findings).
    if (riskFlags.length > 0 || state.safetyFindings.length > 0) reasons.push('risk_flagged');
    // A human asked for this draft, or named the category, so a human sees it.
    if (state.redrafts > 0) reasons.push('redraft_requested');
    if (state.corrections > 0) reasons.push('category_corrected');
    // A draft the knowledge base does not back goes to a person (no_supporting_article, unsupported_claim).
    reasons.push(...state.groundingReasons);
    // Only a run that would have gone out alone is drawn, so audits measure exactly what the gate lets through.
    const auditSample = reasons.length === 0 && gate !== undefined && gate.auditSample(state.runId);
    if (auditSample) reasons.push('audit_sample');
    const decision = reasons.length === 0 ? 'auto_send' : 'review';
    const routingRecord: Routing = { decision, reasons, threshold: rule.threshold, mode: rule.mode, auditSample };
    return { routing: decision, reviewReasons: reasons, routingRecord };
  };
}
