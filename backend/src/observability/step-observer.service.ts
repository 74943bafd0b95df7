import { Injectable } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { LlmCallRepository } from './llm-call.repository';
import { LlmCallRecorder, type LlmCall } from './llm-call-recorder';
import { MetricsService } from './metrics.service';
import { Tracing } from './tracing';

/**
 * Turns what the runner sees of a graph execution (node finished, LLM calls
 * made) into step metrics, node and LLM spans, and llm_calls rows.
 */
@Injectable()
export class StepObserver {
  constructor(
    private readonly llmCalls: LlmCallRepository,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {}

  recorder(model: string): LlmCallRecorder {
    return new LlmCallRecorder(model);
  }

  /** A node finished: its duration, its span, and the LLM calls it made as child spans. */
  async stepFinished(
    runId: string,
    node: string,
    startedAt: Date,
    finishedAt: Date,
    recorder: LlmCallRecorder,
  ): Promise<void> {
    this.metrics.stepDuration.observe({ node }, (finishedAt.getTime() - startedAt.getTime()) / 1000);
    const span = this.tracing.startSpan(
      `node ${node}`,
      { 'handoff.run_id': runId, 'handoff.node': node },
      { startTime: startedAt },
    );
    await this.recordCalls(runId, recorder.take(node), trace.setSpan(this.tracing.current(), span));
    span.end(finishedAt);
  }

  /** Calls left over when a node threw; they still count and still show on the timeline. */
  async flush(runId: string, recorder: LlmCallRecorder): Promise<void> {
    await this.recordCalls(runId, recorder.take(), this.tracing.current());
  }

  private async recordCalls(runId: string, calls: LlmCall[], parent: ReturnType<Tracing['current']>): Promise<void> {
    if (calls.length === 0) return;
    for (const call of calls) {
      this.metrics.llmRequests.inc({ model: call.model, node: call.node, outcome: call.error ? 'error' : 'ok' });
      this.metrics.llmDuration.observe({ model: call.model }, call.latencyMs / 1000);
      if (call.promptTokens !== null)
        this.metrics.llmTokens.inc({ model: call.model, kind: 'prompt' }, call.promptTokens);
      if (call.completionTokens !== null) {
        this.metrics.llmTokens.inc({ model: call.model, kind: 'completion' }, call.completionTokens);
      }
      const span = this.tracing.startSpan(
        `llm ${call.model}`,
        {
          'gen_ai.request.model': call.model,
          'handoff.node': call.node,
          ...(call.promptTokens !== null ? { 'gen_ai.usage.input_tokens': call.promptTokens } : {}),
          ...(call.completionTokens !== null ? { 'gen_ai.usage.output_tokens': call.completionTokens } : {}),
        },
        { parent, startTime: call.startedAt },
      );
      if (call.error) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error });
      span.end(new Date(call.startedAt.getTime() + call.latencyMs));
    }
    await this.llmCalls.add(runId, calls);
  }
}
