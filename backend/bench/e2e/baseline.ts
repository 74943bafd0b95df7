import { randomUUID } from 'node:crypto';
import { Annotation, Command, END, interrupt, isInterrupted, START, StateGraph } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { Pool } from 'pg';
import {
  createTriagePolicy,
  LocalTriageModel,
  type InboundMessage,
  type TriageModel,
  type TriagePolicy,
} from '@handoff/graphs';
import type { Classification } from '@handoff/contracts';
import { CHECKPOINT_SCHEMA } from '../../src/database/setup';
import { benchEmail, inboundMessage, type EmailKind } from './emails';
import { perRun, settledReading, type BenchDatabase } from './postgres';
import type { RunControl } from './run-control';
import { inPool } from './stats';

const overwrite = <T>(initial: () => T) => Annotation<T>({ reducer: (_previous, next) => next, default: initial });

const BaselineState = Annotation.Root({
  message: Annotation<InboundMessage>,
  classification: overwrite<Classification | null>(() => null),
  draftText: overwrite(() => ''),
  selfConfidence: overwrite(() => 0),
  confidence: overwrite(() => 0),
  routing: overwrite<'auto_send' | 'review' | null>(() => null),
  approved: overwrite(() => false),
});
type BaselineState = typeof BaselineState.State;

/**
 * The bare engine: the triage graph's shape (classify → draft → score → route →
 * review interrupt | send) in raw LangGraph over PostgresSaver, with the same local
 * model and policy doing the same work in each node, and nothing else: no HTTP,
 * queue, run table, outbox or SMTP.
 */
function baselineGraph(model: TriageModel, policy: TriagePolicy) {
  const classification = (state: BaselineState) => {
    if (!state.classification) throw new Error('no classification');
    return state.classification;
  };
  return new StateGraph(BaselineState)
    .addNode('classify', async ({ message }) => ({ classification: await model.classify(message, policy.taxonomy) }))
    .addNode('draft', async (state) => {
      const draft = await model.draft({
        message: state.message,
        classification: classification(state),
        taxonomy: policy.taxonomy,
      });
      return { draftText: draft.text, selfConfidence: draft.assessment.confidence };
    })
    .addNode('score', (state) => ({
      confidence: Math.min(state.selfConfidence, classification(state).categoryConfidence),
    }))
    .addNode('route', (state) => {
      const { category, riskFlags } = classification(state);
      const autoSend =
        state.confidence >= policy.autoSendThreshold(category) &&
        !policy.alwaysReview(category) &&
        riskFlags.length === 0;
      return { routing: autoSend ? 'auto_send' : 'review' };
    })
    .addNode('review', () => ({
      approved: (interrupt({ action: 'review' }) as { action: string }).action === 'approve',
    }))
    .addNode('send', () => ({}))
    .addEdge(START, 'classify')
    .addEdge('classify', 'draft')
    .addEdge('draft', 'score')
    .addEdge('score', 'route')
    .addConditionalEdges('route', (state) => (state.routing === 'auto_send' ? 'send' : 'review'), ['send', 'review'])
    .addConditionalEdges('review', (state) => (state.approved ? 'send' : END), ['send', END])
    .addEdge('send', END);
}

export interface BaselinePhase {
  kind: EmailKind;
  runs: number;
  seconds: number;
  runsPerSecond: number;
  /** Runs that stopped at the review interrupt and were resumed with an approval. */
  interrupted: number;
  commitsPerRun: number;
  checkpointBytesPerRun: number;
}

/**
 * Runs `count` emails of each kind through the bare engine on its own database,
 * `concurrency` at a time; reviewed ones are resumed with an approval at once.
 */
export async function runBaseline(
  database: BenchDatabase,
  runTag: string,
  counts: Record<EmailKind, number>,
  concurrency: number,
  control: RunControl,
): Promise<Record<EmailKind, BaselinePhase>> {
  const setupSaver = PostgresSaver.fromConnString(database.url, { schema: CHECKPOINT_SCHEMA });
  await setupSaver.setup();
  await setupSaver.end();
  const model = new LocalTriageModel();
  const policy = createTriagePolicy();
  const phases: Partial<Record<EmailKind, BaselinePhase>> = {};
  for (const kind of ['auto', 'review'] as const) {
    const before = await settledReading(database, control);
    // A fresh pool per phase: closing it makes its connections publish their counters.
    const pool = new Pool({ connectionString: database.url, max: Math.min(concurrency, 10) });
    const graph = baselineGraph(model, policy).compile({
      checkpointer: new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA }),
    });
    let interrupted = 0;
    const started = performance.now();
    try {
      await inPool(
        Array.from({ length: counts[kind] }, (_, index) => index),
        concurrency,
        async (index) => {
          control.check();
          const config = { configurable: { thread_id: randomUUID() } };
          const message = inboundMessage(benchEmail(runTag, kind, index), randomUUID());
          const result = await graph.invoke({ message }, config);
          if (isInterrupted(result)) {
            interrupted += 1;
            await graph.invoke(new Command({ resume: { action: 'approve' } }), config);
          }
        },
      );
    } finally {
      await pool.end();
    }
    const seconds = (performance.now() - started) / 1_000;
    const after = await settledReading(database, control);
    phases[kind] = {
      kind,
      runs: counts[kind],
      seconds,
      runsPerSecond: counts[kind] / seconds,
      interrupted,
      ...perRun(before, after, counts[kind]),
    };
  }
  return phases as Record<EmailKind, BaselinePhase>;
}
