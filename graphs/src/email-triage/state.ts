import { Annotation, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { Citation, Classification, ReviewReason, Routing } from '@handoff/contracts';
import type { Confidence, InboundMessage, ResumeDecision, RunOutcome } from '../schemas';
import type { SafetyFinding } from '../safety';

/** Plain overwrite channel with a starting value, so nodes never read undefined. */
function field<T>(initial: () => T) {
  return Annotation<T>({ reducer: (_previous, next) => next, default: initial });
}

export const TriageStateAnnotation = Annotation.Root({
  /** The workflow run this thread belongs to; also the LangGraph thread_id. */
  runId: Annotation<string>,
  /**
   * The inbound email being answered (untrusted data), when the caller puts it in the state. The backend does
   * not: it passes the stored message in `configurable.message` on every invoke, so checkpoints never copy it
   * (read it with `triageMessage`).
   */
  message: Annotation<InboundMessage | undefined>,
  /** The classify step's result, with deterministic risk flags merged in. */
  classification: field<Classification | null>(() => null),
  /** The offline model version that classified the message (null for a model without versions). */
  modelVersion: field<number | null>(() => null),
  /** What the deterministic injection checks found in the message when they flagged it; empty when it passed. */
  safetyFindings: field<SafetyFinding[]>(() => []),
  /** The current reply draft, replaced on each redraft. (A channel may not share a node name, hence not `draft`.) */
  draftText: field<string>(() => ''),
  /** Whether the knowledge base had anything to search when the draft was written. */
  knowledgeEnabled: field<boolean>(() => false),
  /** The passages the current draft cites. */
  citations: field<Citation[]>(() => []),
  /** The model's own view of the current draft, written with it; the score step combines it with our checks. */
  selfAssessment: field<Confidence | null>(() => null),
  /** Review reasons the score step found in the draft's grounding; the route step adds them. */
  groundingReasons: field<ReviewReason[]>(() => []),
  /** Confidence in [0, 1] that the draft can go out unreviewed. */
  confidence: field<number>(() => 0),
  /** Why the confidence is what it is, for the reviewer. */
  confidenceReasons: field<string[]>(() => []),
  /** Why the route step sent the run to a human; empty for auto-send. */
  reviewReasons: field<ReviewReason[]>(() => []),
  /** The route step's decision. (Not `route`, which names the node.) */
  routing: field<'auto_send' | 'review' | null>(() => null),
  /** The route step's decision with its threshold, mode and audit flag, as GET /api/v1/runs/:id shows it. */
  routingRecord: field<Routing | null>(() => null),
  /** How many redrafts reviewers have asked for so far. */
  redrafts: field<number>(() => 0),
  /** How many times reviewers corrected the category; each opens a new review round without using a redraft. */
  corrections: field<number>(() => 0),
  /** The reviewer's feedback behind the latest redraft. */
  feedback: field<string | null>(() => null),
  /** The latest applied review decision; null before review or when a stale one was ignored. */
  decision: field<ResumeDecision | null>(() => null),
  /** The text handed to the outbox. */
  finalText: field<string | null>(() => null),
  /** How the run ended; null while it is still going or waiting for review. */
  outcome: field<RunOutcome | null>(() => null),
});

export type TriageState = typeof TriageStateAnnotation.State;
export type TriageUpdate = typeof TriageStateAnnotation.Update;

/** The review round a state is in: every redraft and every category correction opens the next one. */
export function reviewRound(state: Pick<TriageState, 'redrafts' | 'corrections'>): number {
  return state.redrafts + state.corrections;
}

/** What graph.invoke() starts a run with; without `message`, pass it as `configurable.message`. */
export interface TriageInput {
  runId: string;
  message?: InboundMessage;
}

/** A graph step: reads the state (and the invoke's config), returns the fields it changes. */
export type TriageStep = (state: TriageState, config?: LangGraphRunnableConfig) => Promise<TriageUpdate> | TriageUpdate;

/** The email a run answers: from the invoke's `configurable.message` (a reference kept out of checkpoints), else the state. */
export function triageMessage(
  state: Pick<TriageState, 'runId' | 'message'>,
  config?: LangGraphRunnableConfig,
): InboundMessage {
  const message = (config?.configurable?.message as InboundMessage | undefined) ?? state.message;
  if (!message) throw new Error(`run ${state.runId}: no message in the state or the config`);
  return message;
}
