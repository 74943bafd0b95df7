import { MemorySaver } from '@langchain/langgraph';
import type { Classification, ReviewReason } from '@handoff/contracts';
import type { InboundMessage } from '../schemas';
import { createEmailTriageGraph } from '../email-triage';
import type { TriageState } from '../email-triage/state';
import type { ReplyOutbox, TriageModel, TriagePolicy } from '../ports';
import type { EvalCase } from './dataset';

/** What one message did on its way through the triage graph. */
export interface CaseResult {
  index: number;
  expected: string;
  predicted: string;
  /** The classifier's probability for its category. */
  categoryConfidence: number;
  /** The score node's confidence, which the auto-send gate compares with the threshold. */
  confidence: number;
  riskFlags: Classification['riskFlags'];
  routing: 'auto_send' | 'review';
  reviewReasons: ReviewReason[];
  draft: string;
  /** Why the graph failed on this message; the message counts as wrong and reviewed. */
  error?: string;
}

/** An evaluation sends nothing: the intent to reply is dropped; the routing says what would have happened. */
const NO_SEND: ReplyOutbox = { requestReply: () => Promise.resolve() };

const EVAL_CLOCK = { now: () => new Date() };

function inbound(evalCase: EvalCase, index: number): InboundMessage {
  return {
    eventId: `eval-${index}`,
    // A named sender, so the local model's greeting check does not lower every confidence alike.
    from: { address: 'customer@eval.invalid', name: 'Alex Example' },
    to: [{ address: 'support@eval.invalid' }],
    cc: [],
    subject: evalCase.subject ?? '',
    text: evalCase.text,
    receivedAt: new Date(0).toISOString(),
    attachments: [],
    thread: [],
  };
}

export interface RunOptions {
  model: TriageModel;
  policy: TriagePolicy;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every case through the real triage graph (the service's nodes, model and
 * policy) with an in-memory checkpointer. Runs that stop for review are left there.
 */
export async function runCases(cases: EvalCase[], options: RunOptions): Promise<CaseResult[]> {
  const graph = createEmailTriageGraph({
    model: options.model,
    policy: options.policy,
    outbox: NO_SEND,
    clock: EVAL_CLOCK,
  }).compile({ checkpointer: new MemorySaver() });

  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < cases.length) {
      const index = next;
      next += 1;
      const evalCase = cases[index] as EvalCase;
      const threadId = `eval-${index}`;
      try {
        results[index] = resultOf(
          index,
          evalCase,
          (await graph.invoke(
            { runId: threadId, message: inbound(evalCase, index) },
            { configurable: { thread_id: threadId } },
          )) as TriageState,
        );
      } catch (error) {
        // One failed call (a timeout, a malformed answer) should not throw away a long run.
        results[index] = {
          index,
          expected: evalCase.category,
          predicted: FAILED,
          categoryConfidence: 0,
          confidence: 0,
          riskFlags: [],
          routing: 'review',
          reviewReasons: [],
          draft: '',
          error: error instanceof Error ? error.message : String(error),
        };
      }
      done += 1;
      options.onProgress?.(done, cases.length);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, cases.length)) }, worker));
  return results;
}

/** The category recorded for a message the graph failed on. */
export const FAILED = '(failed)';

function resultOf(index: number, evalCase: EvalCase, state: TriageState): CaseResult {
  const classification = state.classification;
  if (!classification || state.routing === null) throw new Error('the graph stopped before routing');
  return {
    index,
    expected: evalCase.category,
    predicted: classification.category,
    categoryConfidence: classification.categoryConfidence,
    confidence: state.confidence,
    riskFlags: classification.riskFlags,
    routing: state.routing,
    reviewReasons: state.reviewReasons,
    draft: state.draftText,
  };
}
