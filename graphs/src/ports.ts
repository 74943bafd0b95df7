import type { Classification, RoutingMode } from '@handoff/contracts';
import type { Confidence, InboundMessage, ReplyIntent, Taxonomy } from './schemas';
import type { ApprovedExample, KnowledgePassage, Retrieval } from './knowledge/passages';

export interface DraftRequest {
  message: InboundMessage;
  classification: Classification;
  /** The team's taxonomy: part of the prompt prefix every call shares, so providers can cache it. */
  taxonomy: Taxonomy;
  /** The draft a reviewer sent back, when this is a redraft. */
  previousDraft?: string;
  /** The reviewer's feedback on previousDraft. */
  feedback?: string;
  /** Knowledge passages to answer from, best first; cite the n-th as [n]. */
  passages?: KnowledgePassage[];
  /** Replies reviewers approved for similar emails. */
  examples?: ApprovedExample[];
}

/** A reply draft with the model's own view of it, from one call. */
export interface Draft {
  /** The reply, with [n] markers citing the request's passages. */
  text: string;
  /** How safe the model thinks the draft is to send unreviewed; the score step combines it with our own checks. */
  assessment: Confidence;
}

/**
 * The language model behind the triage graph. Two providers implement it:
 * an OpenAI-compatible chat model and the offline local model.
 */
export interface TriageModel {
  /** Stable name recorded with each run, e.g. "local-linear" or "openai:gpt-4o-mini". */
  readonly name: string;
  classify(message: InboundMessage, taxonomy: Taxonomy): Promise<Classification>;
  /** A model with versions (the retrainable offline model): the classification and the version that made it. */
  classifyVersioned?(
    message: InboundMessage,
    taxonomy: Taxonomy,
  ): Promise<{ classification: Classification; modelVersion: number | null }>;
  /** The reply and its self-assessment in one call, so an email costs at most two calls (classify, draft). */
  draft(request: DraftRequest): Promise<Draft>;
}

/** Business rules from config: which runs may skip a human. */
export interface TriagePolicy {
  readonly taxonomy: Taxonomy;
  /** Minimum confidence for auto-send in this category. */
  autoSendThreshold(category: string): number;
  /** Categories that always go to a human, whatever the confidence. */
  alwaysReview(category: string): boolean;
  readonly maxRedrafts: number;
}

/**
 * Where the send-request node records the intent to reply. Implementations
 * must be idempotent per runId: nodes re-execute on resume and retry.
 */
export interface ReplyOutbox {
  requestReply(intent: ReplyIntent): Promise<void>;
}

/** The team's knowledge base, searched for passages that answer an email. Reads only. */
export interface KnowledgeBase {
  retrieve(message: InboundMessage, classification: Classification): Promise<Retrieval>;
}

/**
 * What to do with a message whose conversation may still have an earlier run open, decided once its
 * category is known: `answer` it (having superseded the earlier run, or with none open) or `ignore` it
 * (the earlier run answers the conversation). An implementation that wants the run to wait for the earlier
 * one (policy `queue`) throws an error its runner parks the run on. Must be idempotent per runId.
 */
export interface FollowUps {
  decide(runId: string, category: string): Promise<'answer' | 'ignore'>;
}

export interface Clock {
  now(): Date;
}

/** The threshold in force for a category, and which rule set it. */
export interface GateRule {
  mode: RoutingMode;
  /** Minimum confidence to go out alone; null when the category may not auto-send at all. */
  threshold: number | null;
}

/**
 * The auto-send gate the route step consults: the learned per-category thresholds
 * (or the static policy, as configured) and audit sampling. Without one, the graph
 * uses the policy's static thresholds and samples nothing.
 */
export interface AutoSendGate {
  ruleFor(category: string): Promise<GateRule>;
  /** Whether a run that would go out alone is drawn for audit. Deterministic per run id, so retries agree. */
  auditSample(runId: string): boolean;
}

export interface TriagePorts {
  model: TriageModel;
  policy: TriagePolicy;
  outbox: ReplyOutbox;
  clock: Clock;
  /** Absent: drafts are not grounded (as before the knowledge base existed). */
  knowledge?: KnowledgeBase;
  gate?: AutoSendGate;
  /** Absent: every message is answered on its own (as in evaluation runs). */
  followUps?: FollowUps;
}
