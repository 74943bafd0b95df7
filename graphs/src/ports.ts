import type { Classification } from '@handoff/contracts';
import type { Confidence, InboundMessage, ReplyIntent, Taxonomy } from './schemas';

export interface DraftRequest {
  message: InboundMessage;
  classification: Classification;
  /** The draft a reviewer sent back, when this is a redraft. */
  previousDraft?: string;
  /** The reviewer's feedback on previousDraft. */
  feedback?: string;
}

export interface AssessRequest {
  message: InboundMessage;
  classification: Classification;
  draft: string;
}

/**
 * The language model behind the triage graph. Two providers implement it:
 * an OpenAI-compatible chat model and the offline local model.
 */
export interface TriageModel {
  /** Stable name recorded with each run, e.g. "local-linear" or "openai:gpt-4o-mini". */
  readonly name: string;
  classify(message: InboundMessage, taxonomy: Taxonomy): Promise<Classification>;
  draft(request: DraftRequest): Promise<string>;
  /** The model's own view of how safe the draft is to send unreviewed. */
  assess(request: AssessRequest): Promise<Confidence>;
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

export interface TriagePorts {
  model: TriageModel;
  policy: TriagePolicy;
  outbox: ReplyOutbox;
  clock: Clock;
  /** Absent: every message is answered on its own (as in evaluation runs). */
  followUps?: FollowUps;
}
