import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, Not, In } from 'typeorm';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { InboundEventEntity } from '../events/inbound-event.entity';
import { MetricsService } from '../observability/metrics.service';
import { ReviewTaskEntity } from '../reviews/review-task.entity';
import { RunStepEntity } from './run-step.entity';
import { FINAL_RUN_STATUSES, isFinalRunStatus, RunStatus, WorkflowRunEntity } from './workflow-run.entity';

export interface RunDetails {
  id: string;
  eventId: string;
  status: RunStatus;
  graph: { name: string; version: number };
  model: string | null;
  message: { from: string; subject: string; messageId: string | null; receivedAt: Date; ignoredReason: string | null };
  classification: WorkflowRunEntity['classification'];
  draft: string | null;
  confidence: number | null;
  confidenceReasons: string[];
  reviewReasons: string[];
  reviewId: string | null;
  reply: { id: string; status: string; messageId: string; sentAt: Date | null; attempts: number } | null;
  steps: { node: string; startedAt: Date; finishedAt: Date; durationMs: number }[];
  error: string | null;
  failedStep: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Owns the run state machine: a run never leaves a final status. */
@Injectable()
export class RunsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Moves a run to `status` unless it is already final; returns whether it moved. */
  async transition(
    manager: EntityManager,
    runId: string,
    status: RunStatus,
    extra: Partial<Pick<WorkflowRunEntity, 'error' | 'failedStep'>> = {},
  ): Promise<boolean> {
    const final = isFinalRunStatus(status);
    const result = await manager.update(
      WorkflowRunEntity,
      { id: runId, status: Not(In([...FINAL_RUN_STATUSES])) },
      { status, ...extra, ...(final ? { finishedAt: new Date() } : {}) },
    );
    const moved = (result.affected ?? 0) > 0;
    if (moved && final) await this.countFinished(manager, runId, status);
    return moved;
  }

  private async countFinished(manager: EntityManager, runId: string, status: RunStatus): Promise<void> {
    const reply =
      status === 'sent' ? await manager.findOne(OutboundMessageEntity, { where: { runId, kind: 'reply' } }) : null;
    this.metrics.runsFinished.inc({ outcome: MetricsService.outcomeOf(status, reply?.approvedBy) });
  }

  async recordStep(runId: string, node: string, startedAt: Date, finishedAt: Date): Promise<void> {
    await this.dataSource.getRepository(RunStepEntity).insert({ runId, node, startedAt, finishedAt });
  }

  async get(runId: string): Promise<RunDetails> {
    const run = await this.dataSource.getRepository(WorkflowRunEntity).findOne({ where: { id: runId } });
    if (!run) throw new NotFoundException(`run ${runId} not found`);
    const [event, steps, review, reply] = await Promise.all([
      this.dataSource.getRepository(InboundEventEntity).findOneOrFail({ where: { id: run.eventId } }),
      this.dataSource.getRepository(RunStepEntity).find({ where: { runId }, order: { startedAt: 'ASC', id: 'ASC' } }),
      this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { runId } }),
      this.dataSource.getRepository(OutboundMessageEntity).findOne({ where: { runId, kind: 'reply' } }),
    ]);
    return {
      id: run.id,
      eventId: run.eventId,
      status: run.status,
      graph: { name: run.graphName, version: run.graphVersion },
      model: run.modelName,
      message: {
        from: event.fromAddress,
        subject: event.subject,
        messageId: event.messageId,
        receivedAt: event.receivedAt,
        ignoredReason: event.ignoreReason,
      },
      classification: run.classification,
      draft: run.draft,
      confidence: run.confidence,
      confidenceReasons: run.confidenceReasons ?? [],
      reviewReasons: run.reviewReasons ?? [],
      reviewId: review?.id ?? null,
      reply: reply
        ? {
            id: reply.id,
            status: reply.status,
            messageId: reply.messageId,
            sentAt: reply.sentAt,
            attempts: reply.attempts,
          }
        : null,
      steps: steps.map((step) => ({
        node: step.node,
        startedAt: step.startedAt,
        finishedAt: step.finishedAt,
        durationMs: step.finishedAt.getTime() - step.startedAt.getTime(),
      })),
      error: run.error,
      failedStep: run.failedStep,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
    };
  }
}
