import type { Classification } from '@handoff/contracts';
import type { Confidence, InboundMessage, Taxonomy } from '../../schemas';
import type { Draft, DraftRequest, TriageModel } from '../../ports';
import type { KnowledgePassage } from '../../knowledge/passages';
import { composeFromPassage } from '../../knowledge/compose';
import { safetyFlags } from '../../safety';
import { interpretFeedback, REVIEWER_NOTE_MARKER, reviewerNote } from './feedback';
import type { TextClassifier } from './classifier';
import { LinearClassifier, loadLinearModel } from './linear';
import type { VersionedClassifier } from './retrain';
import { detectLanguage, detectUrgency, firstName, keywordRiskFlags, orderReference } from './signals';
import { categoryIntent, hasSpecificReply, needsOrderReference, PLAIN_STYLE, renderReply } from './templates';

function emailText(message: InboundMessage): string {
  return `${message.subject}\n${message.text}`;
}

export interface LocalAssessRequest {
  message: InboundMessage;
  classification: Classification;
  draft: string;
  passages?: KnowledgePassage[];
}

export interface LocalTriageModelOptions {
  /** A model.json written by train.js; defaults to the one built beside this file. */
  modelFile?: string;
  /** Another classifier, e.g. one trained in a test or the naive Bayes baseline in an evaluation. */
  classifier?: TextClassifier;
  /** Recorded with each run; give a different one with a different classifier. */
  name?: string;
  /** The classifier in force right now and its version, read once per classification (hot swap). */
  active?: () => VersionedClassifier;
}

/**
 * The offline provider: a linear text classifier trained at build time, rule-based
 * signals, and reply templates. Needs no network and no API key.
 */
export class LocalTriageModel implements TriageModel {
  readonly name: string;
  private readonly active: () => { version: number | null; classifier: TextClassifier };

  constructor(options: LocalTriageModelOptions = {}) {
    this.name = options.name ?? 'local-linear';
    if (options.active) {
      this.active = options.active;
    } else {
      const fixed = {
        version: null,
        classifier: options.classifier ?? new LinearClassifier(loadLinearModel(options.modelFile)),
      };
      this.active = () => fixed;
    }
  }

  async classify(message: InboundMessage, taxonomy: Taxonomy): Promise<Classification> {
    return (await this.classifyVersioned(message, taxonomy)).classification;
  }

  async classifyVersioned(
    message: InboundMessage,
    taxonomy: Taxonomy,
  ): Promise<{ classification: Classification; modelVersion: number | null }> {
    // One read: the classification and its version come from the same model, whatever swaps meanwhile.
    const { version, classifier } = this.active();
    return { classification: this.classifyWith(classifier, message, taxonomy), modelVersion: version };
  }

  private classifyWith(classifier: TextClassifier, message: InboundMessage, taxonomy: Taxonomy): Classification {
    const text = emailText(message);
    const { category, probability } = this.pickCategory(classifier, text, taxonomy);
    return {
      category,
      intent: categoryIntent(category),
      language: detectLanguage(text),
      urgency: detectUrgency(text),
      riskFlags: [...new Set([...safetyFlags(text), ...keywordRiskFlags(text)])],
      categoryConfidence: probability,
    };
  }

  /** The most probable label the taxonomy knows, renormalised over those labels. */
  private pickCategory(
    classifier: TextClassifier,
    text: string,
    taxonomy: Taxonomy,
  ): { category: string; probability: number } {
    const keys = new Set(taxonomy.map((category) => category.key));
    const known = classifier.predict(text).filter((prediction) => keys.has(prediction.label));
    const total = known.reduce((sum, prediction) => sum + prediction.probability, 0);
    const best = known[0];
    if (best && total > 0) return { category: best.label, probability: best.probability / total };
    // The model was trained on other labels: say so with zero confidence.
    const fallback = keys.has('other') ? 'other' : (taxonomy[0]?.key ?? 'other');
    return { category: fallback, probability: 0 };
  }

  /** The reply and its assessment; both are local computations, not model calls. */
  async draft(request: DraftRequest): Promise<Draft> {
    const { text, source } = this.write(request);
    const { message, classification } = request;
    return {
      text,
      assessment: await this.assess({ message, classification, draft: text, passages: source ? [source] : [] }),
    };
  }

  private write({ message, classification, feedback, passages = [] }: DraftRequest): {
    text: string;
    source?: KnowledgePassage;
  } {
    const fields = { firstName: firstName(message.from.name), orderRef: orderReference(emailText(message)) };
    // Knowledge first: the best passage's own sentences answer better than any template.
    // A reviewer's feedback asks for something the passage cannot say, so a redraft uses the template.
    const grounded = feedback === undefined ? composeFromPassage(passages, emailText(message), fields.firstName) : null;
    if (grounded) return { text: grounded.text, source: grounded.passage };
    if (feedback === undefined) return { text: renderReply(classification.category, fields, PLAIN_STYLE) };
    const { style, understood } = interpretFeedback(feedback);
    const reply = renderReply(classification.category, fields, style);
    return { text: understood ? reply : `${reviewerNote(feedback)}\n\n${reply}` };
  }

  /** How far the draft can go out unreviewed, by rule; `passages` are the ones it was composed from. */
  async assess({ message, classification, draft, passages = [] }: LocalAssessRequest): Promise<Confidence> {
    const { category, categoryConfidence, language } = classification;
    let confidence = categoryConfidence;
    const sure = `the classifier is ${Math.round(categoryConfidence * 100)}% sure`;
    const source = passages[0];
    // A draft composed from an article answers the question itself: no template caveats apply.
    // (The score step checks its claims against the article.)
    if (source) return { confidence, reasons: [`Answered from the article "${source.title}"; ${sure}.`] };
    const reasons = [`Template reply for ${category}; ${sure}.`];
    const lower = (factor: number, reason: string) => {
      confidence *= factor;
      reasons.push(reason);
    };
    if (draft.includes(REVIEWER_NOTE_MARKER)) {
      lower(0, 'The reviewer feedback could not be applied automatically; the draft carries a note to edit it.');
    }
    if (!hasSpecificReply(category)) lower(0.5, 'Generic reply: there is no specific template for this kind of email.');
    if (needsOrderReference(category) && orderReference(emailText(message)) === null) {
      lower(0.6, 'No order number found in the email, so the reply asks for one instead of answering.');
    }
    if (language !== 'en' && language !== 'und') {
      lower(0.5, `The email looks like "${language}" but the templates are English only.`);
    }
    if (firstName(message.from.name) === null) lower(0.95, 'Sender name unknown; the greeting is generic.');
    return { confidence, reasons };
  }
}
