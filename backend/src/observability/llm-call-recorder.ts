import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { ChainValues } from '@langchain/core/utils/types';

/** One finished LLM request as the timeline, metrics and traces see it. */
export interface LlmCall {
  node: string;
  model: string;
  startedAt: Date;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  error: string | null;
}

interface Pending {
  node: string;
  model: string;
  startedAt: Date;
}

/** When one execution of a graph node really started and ended. */
export interface NodeTiming {
  startedAt: Date;
  finishedAt: Date;
}

type Metadata = Record<string, unknown> | undefined;

/**
 * A LangChain callback handler passed in the graph's stream config. It times
 * each node execution (the node's own chain run), and chat model calls made
 * inside a node report here with the node name (metadata langgraph_node).
 * Both wait until the runner collects them. The offline local model makes no
 * LangChain calls, so it records no LLM calls.
 */
export class LlmCallRecorder extends BaseCallbackHandler {
  name = 'handoff-llm-call-recorder';
  private readonly pending = new Map<string, Pending>();
  private finished: LlmCall[] = [];
  private readonly runningNodes = new Map<string, { node: string; startedAt: Date }>();
  private readonly nodeTimings = new Map<string, NodeTiming[]>();

  constructor(private readonly fallbackModel: string) {
    super();
  }

  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
  ): void {
    this.start(runId, metadata);
  }

  override handleLLMStart(
    _llm: Serialized,
    _prompts: string[],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Metadata,
  ): void {
    this.start(runId, metadata);
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const usage = tokenUsage(output);
    this.finish(runId, { promptTokens: usage.prompt, completionTokens: usage.completion, error: null });
  }

  override handleLLMError(error: Error, runId: string): void {
    this.finish(runId, { promptTokens: null, completionTokens: null, error: error.message.slice(0, 500) });
  }

  override handleChainStart(
    _chain: Serialized,
    _inputs: ChainValues,
    runId: string,
    _runType?: string,
    tags?: string[],
    metadata?: Metadata,
  ): void {
    // Runnables inside a node share its metadata; only the node's own run is tagged with its graph step.
    const node = metadata?.langgraph_node;
    if (typeof node === 'string' && tags?.some((tag) => tag.startsWith('graph:step:'))) {
      this.runningNodes.set(runId, { node, startedAt: new Date() });
    }
  }

  override handleChainEnd(_outputs: ChainValues, runId: string): void {
    this.nodeEnded(runId);
  }

  override handleChainError(_error: Error, runId: string): void {
    this.nodeEnded(runId);
  }

  /** The earliest finished execution of `node` not yet collected. */
  takeNodeTiming(node: string): NodeTiming | undefined {
    return this.nodeTimings.get(node)?.shift();
  }

  /** Finished calls for `node` (all when omitted), removed from the recorder. */
  take(node?: string): LlmCall[] {
    const taken = this.finished.filter((call) => node === undefined || call.node === node);
    this.finished = this.finished.filter((call) => !taken.includes(call));
    return taken;
  }

  private nodeEnded(runId: string): void {
    const running = this.runningNodes.get(runId);
    if (!running) return;
    this.runningNodes.delete(runId);
    const timings = this.nodeTimings.get(running.node) ?? [];
    timings.push({ startedAt: running.startedAt, finishedAt: new Date() });
    this.nodeTimings.set(running.node, timings);
  }

  private start(runId: string, metadata: Metadata): void {
    const node = typeof metadata?.langgraph_node === 'string' ? metadata.langgraph_node : 'unknown';
    const model = typeof metadata?.ls_model_name === 'string' ? metadata.ls_model_name : this.fallbackModel;
    this.pending.set(runId, { node, model, startedAt: new Date() });
  }

  private finish(runId: string, result: Pick<LlmCall, 'promptTokens' | 'completionTokens' | 'error'>): void {
    const started = this.pending.get(runId);
    if (!started) return;
    this.pending.delete(runId);
    this.finished.push({ ...started, latencyMs: Date.now() - started.startedAt.getTime(), ...result });
  }
}

/** Token counts from the message's usage metadata, else the provider's llmOutput. */
function tokenUsage(output: LLMResult): { prompt: number | null; completion: number | null } {
  const generation = output.generations[0]?.[0] as
    { message?: { usage_metadata?: Record<string, number> } } | undefined;
  const usage = generation?.message?.usage_metadata;
  if (usage) return { prompt: usage.input_tokens ?? null, completion: usage.output_tokens ?? null };
  const legacy = output.llmOutput?.tokenUsage as { promptTokens?: number; completionTokens?: number } | undefined;
  return { prompt: legacy?.promptTokens ?? null, completion: legacy?.completionTokens ?? null };
}
