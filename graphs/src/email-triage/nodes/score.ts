import { type Classification } from '@handoff/contracts';
import { ConfidenceSchema } from '../../schemas';
import type { TriagePorts } from '../../ports';
import { describeFinding, scanText, type SafetyFinding } from '../../safety';
import type { TriageStep } from '../state';
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

export function scoreNode({ model }: TriagePorts): TriageStep {
  return async (state) => {
    const classification = requireClassification(state);
    const assessment = ConfidenceSchema.parse(
      await model.assess({ message: state.message, classification, draft: state.draftText }),
    );
    // The weaker of the two signals wins: a fine draft for the wrong category is
    // wrong, and a product would push two agreeing 0.9s below a 0.8 threshold.
    const reasons = [...assessment.reasons];
    let confidence = Math.min(assessment.confidence, classification.categoryConfidence);
    if (classification.categoryConfidence < assessment.confidence) {
      const percent = Math.round(classification.categoryConfidence * 100);
      reasons.push(`The classifier is ${percent}% sure this is ${classification.category}.`);
    }
    for (const cap of draftChecks(state.draftText, classification, state.safetyFindings)) {
      confidence = Math.min(confidence, cap.max);
      reasons.push(cap.reason);
    }
    return { confidence, confidenceReasons: reasons };
  };
}
