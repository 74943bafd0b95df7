import { type Classification, type ReviewReason } from '@handoff/contracts';
import { unsupportedClaims } from '../../knowledge/grounding';
import { describeFinding, scanText, type SafetyFinding } from '../../safety';
import type { InboundMessage } from '../../schemas';
import { triageMessage, type TriageState, type TriageStep } from '../state';
import { requireClassification } from './require';

/** A deterministic finding that caps confidence, with the reason a reviewer reads. */
interface Cap {
  max: number;
  reason: string;
}

const SHORT_DRAFT_CHARS = 40;
const PLACEHOLDER = /\{\{[^}]*\}\}|\[[A-Z][A-Za-z _-]{1,40}\]/g;

export function draftChecks(draft: string, classification: Classification, emailFindings: SafetyFinding[] = []): Cap[] {
  const caps: Cap[] = [];
  const text = draft.trim();
  if (text.length === 0) caps.push({ max: 0, reason: 'The draft is empty.' });
  else if (text.length < SHORT_DRAFT_CHARS) {
    caps.push({ max: 0.3, reason: `The draft is very short (${text.length} characters).` });
  }
  const placeholders = [...new Set(text.match(PLACEHOLDER))];
  if (placeholders.length > 0) {
    caps.push({ max: 0.2, reason: `The draft has unfilled placeholders: ${placeholders.join(', ')}.` });
  }
  if (classification.riskFlags.length > 0) {
    caps.push({ max: 0.5, reason: `The email raised risk flags: ${classification.riskFlags.join(', ')}.` });
  }
  for (const finding of emailFindings) caps.push({ max: 0.5, reason: describeFinding(finding) });
  const draftReport = scanText(text, 'draft');
  const injected = draftReport.flags.includes('prompt_injection')
    ? draftReport.findings.filter((finding) => finding.flag === 'prompt_injection')
    : [];
  if (injected.length > 0) {
    const quoted = injected.map((finding) => `"${finding.match}"`).join(', ');
    caps.push({ max: 0.1, reason: `The draft repeats instruction-like text: ${quoted}.` });
  }
  return caps;
}

/** Caps for a draft the knowledge base does not back: a person looks at it, whatever else is fine. */
export const NO_SUPPORT_CAP = 0.5;
export const UNSUPPORTED_CLAIM_CAP = 0.4;

/**
 * The grounding check: with a knowledge base to answer from, a draft citing nothing has no support, and
 * a claim that neither its passages nor the customer's email contains is unsupported. `modelClaims` are
 * the ones the model's own assessment found (openai); the token overlap runs for every provider.
 */
export function groundingChecks(
  state: Pick<TriageState, 'knowledgeEnabled' | 'citations' | 'draftText'>,
  message: Pick<InboundMessage, 'subject' | 'text'>,
  modelClaims: string[] = [],
): { caps: Cap[]; reasons: ReviewReason[] } {
  if (!state.knowledgeEnabled) return { caps: [], reasons: [] };
  if (state.citations.length === 0) {
    return {
      caps: [{ max: NO_SUPPORT_CAP, reason: 'No knowledge-base article supports this draft.' }],
      reasons: ['no_supporting_article'],
    };
  }
  const email = `${message.subject}\n${message.text}`;
  const sources = state.citations.map((citation) => `${citation.title}\n${citation.chunk}`);
  const claims = [...new Set([...unsupportedClaims(state.draftText, sources, email), ...modelClaims])];
  if (claims.length === 0) return { caps: [], reasons: [] };
  const quoted = claims.map((claim) => `"${claim}"`).join(', ');
  return {
    caps: [{ max: UNSUPPORTED_CLAIM_CAP, reason: `The cited articles do not back: ${quoted}.` }],
    reasons: ['unsupported_claim'],
  };
}

/**
 * Combines the model's self-assessment, written with the draft (so this step makes no model call), with our
 * own checks: the classifier's certainty, the draft's form and safety, and its grounding in the knowledge base.
 */
export function scoreNode(): TriageStep {
  return (state, config) => {
    const classification = requireClassification(state);
    const assessment = state.selfAssessment;
    if (!assessment) throw new Error(`run ${state.runId}: score reached without the draft's self-assessment`);
    // The weaker of the two signals wins: a fine draft for the wrong category is
    // wrong, and a product would push two agreeing 0.9s below a 0.8 threshold.
    const reasons = [...assessment.reasons];
    let confidence = Math.min(assessment.confidence, classification.categoryConfidence);
    if (classification.categoryConfidence < assessment.confidence) {
      const percent = Math.round(classification.categoryConfidence * 100);
      reasons.push(`The classifier is ${percent}% sure this is ${classification.category}.`);
    }
    const grounding = groundingChecks(state, triageMessage(state, config), assessment.unsupportedClaims);
    for (const cap of [...draftChecks(state.draftText, classification, state.safetyFindings), ...grounding.caps]) {
      confidence = Math.min(confidence, cap.max);
      reasons.push(cap.reason);
    }
    return { confidence, confidenceReasons: reasons, groundingReasons: grounding.reasons };
  };
}
