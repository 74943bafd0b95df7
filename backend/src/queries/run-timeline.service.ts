import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors';
import { OutboxRepository } from '../delivery/outbox.repository';
import type { LlmCall } from '../observability/llm-call-recorder';
import { LlmCallRepository } from '../observability/llm-call.repository';
import { ReviewRepository } from '../reviews/review.repository';
import type { RunStatus } from '../workflow/run-status';
import { RunRepository } from '../workflow/run.repository';

/** A step's LLM requests as recorded; the step already names the node. */
export type TimelineLlmCall = Omit<LlmCall, 'node'>;

export interface TimelineStep {
  /** A graph node, `review` (a person deciding) or `delivery` (sending the reply). */
  node: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** completed · failed for graph nodes; the decision for review; the outbound status for delivery. */
  outcome: string;
  llmCalls: TimelineLlmCall[];
}

export interface RunTimeline {
  runId: string;
  status: RunStatus;
  error: string | null;
  steps: TimelineStep[];
}

function step(node: string, startedAt: Date, finishedAt: Date | null, outcome: string): TimelineStep {
  const durationMs = finishedAt ? finishedAt.getTime() - startedAt.getTime() : null;
  return { node, startedAt, finishedAt, durationMs, outcome, llmCalls: [] };
}

/** The story of one run from our own tables: nodes with their LLM calls, decisions, delivery. */
@Injectable()
export class RunTimelineService {
  constructor(
    private readonly runs: RunRepository,
    private readonly llmCalls: LlmCallRepository,
    private readonly reviews: ReviewRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async get(runId: string): Promise<RunTimeline> {
    const run = await this.runs.find(runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    const [steps, calls, task, reply] = await Promise.all([
      this.runs.stepsOf(runId),
      this.llmCalls.ofRun(runId),
      this.reviews.findByRun(runId),
      this.outbox.replyOf(runId),
    ]);
    const decisions = task ? await this.reviews.decisionsOf(task.id) : [];

    const timeline = steps.map((row) => step(row.node, row.startedAt, row.finishedAt, 'completed'));
    // Each LLM call belongs to the execution of its node that was running when it started.
    for (const call of calls) {
      const owner = timeline.find(
        (entry) => entry.node === call.node && entry.startedAt <= call.startedAt && call.startedAt <= entry.finishedAt!,
      );
      const { runId: _run, id: _id, node: _node, run: _entity, ...fields } = call;
      owner?.llmCalls.push(fields);
    }
    // Reviews and a failed node begin where the last step before them ended.
    const lastEndBefore = (at: Date, fallback: Date) =>
      timeline.filter((entry) => entry.finishedAt && entry.finishedAt <= at).at(-1)?.finishedAt ?? fallback;
    if (task) {
      for (const decision of decisions) {
        timeline.push(
          step('review', lastEndBefore(decision.decidedAt, task.createdAt), decision.decidedAt, decision.action),
        );
      }
      if (task.status === 'pending')
        timeline.push(step('review', lastEndBefore(new Date(), task.createdAt), null, 'pending'));
    }
    if (run.status === 'failed' && run.failedStep && run.failedStep !== 'delivery') {
      const failedAt = run.finishedAt ?? new Date();
      timeline.push(step(run.failedStep, lastEndBefore(failedAt, run.createdAt), run.finishedAt, 'failed'));
    }
    // Delivery starts when a sender claims the outbox row, after the graph has finished.
    if (reply) timeline.push(step('delivery', reply.claimedAt ?? reply.createdAt, reply.sentAt, reply.status));
    timeline.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    return { runId, status: run.status, error: run.error, steps: timeline };
  }
}
