import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work';
import type { DeliveryRuns } from '../delivery/ports';
import { OutboxRepository } from '../delivery/outbox.repository';
import { MetricsService } from '../observability/metrics.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import type { ReviewRuns } from '../reviews/ports';
import { FINAL_RUN_STATUSES, isFinalRunStatus, outcomeOf, type RunStatus } from './run-status';
import { RunRepository, type NewRun, type RunStatusPatch } from './run.repository';
import type { WorkflowRunEntity } from './workflow-run.entity';

/** The run lifecycle: creating, queueing and moving runs, for workflow itself and for the stages after it. */
@Injectable()
export class RunsService implements ReviewRuns, DeliveryRuns, OnModuleInit {
  constructor(
    private readonly runs: RunRepository,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueueService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.supply('handoff_dead_letters', () => this.runs.countFailed());
  }

  async create(tx: Tx, run: NewRun): Promise<void> {
    await this.runs.create(tx, run);
  }

  runOf(tx: Tx, eventId: string): Promise<WorkflowRunEntity> {
    return this.runs.getByEvent(tx, eventId);
  }

  /** Enqueues a run's start job and records that it is in the queue. Safe to repeat. */
  async enqueue(runId: string): Promise<void> {
    if (await this.jobs.enqueue(JOBS.startRun, { runId })) await this.runs.markEnqueued(runId);
  }

  /** Moves a run to `status` if the run state machine allows it; returns whether it moved. */
  async transition(tx: Tx, runId: string, status: RunStatus, patch: RunStatusPatch = {}): Promise<boolean> {
    const moved = await this.runs.move(tx, runId, status, patch);
    if (moved && isFinalRunStatus(status)) await this.countFinished(tx, runId, status);
    if (moved && status === 'awaiting_review') {
      const run = await this.runs.find(runId, tx);
      if (run) this.countGrounding(run);
    }
    return moved;
  }

  async closeByDeadline(tx: Tx, runId: string): Promise<void> {
    await this.transition(tx, runId, 'timed_out');
  }

  async traceParentOf(runId: string): Promise<string | null> {
    return (await this.runs.find(runId))?.traceParent ?? null;
  }

  async finishRun(
    tx: Tx,
    runId: string,
    status: 'sent' | 'failed',
    failure?: { error: string; failedStep?: string },
  ): Promise<void> {
    // A reply settled after an uncertain delivery leaves no error behind.
    await this.transition(tx, runId, status, failure ?? (status === 'sent' ? { error: null, failedStep: null } : {}));
  }

  async deliveryUncertain(tx: Tx, runId: string, reason: string): Promise<void> {
    await this.transition(tx, runId, 'delivery_uncertain', { error: reason, failedStep: 'delivery' });
  }

  async deliveryResumed(tx: Tx, runId: string): Promise<void> {
    await this.transition(tx, runId, 'sending', { error: null, failedStep: null });
  }

  async supersedeByMessage(tx: Tx, runId: string, newerEventId: string): Promise<void> {
    const newer = await this.runs.getByEvent(tx, newerEventId);
    await this.transition(tx, runId, 'superseded', { supersededBy: newer.id });
  }

  /** The run that superseded this one, if the customer wrote again while it was open. */
  async supersedingRunOf(runId: string): Promise<{ runId: string; at: Date } | null> {
    const run = await this.runs.find(runId);
    return run?.status === 'superseded' && run.supersededBy ? { runId: run.supersededBy, at: run.updatedAt } : null;
  }

  private async countFinished(tx: Tx, runId: string, status: RunStatus): Promise<void> {
    const reply = status === 'sent' ? await this.outbox.replyOf(runId, tx) : null;
    const final = status as (typeof FINAL_RUN_STATUSES)[number];
    const outcome = outcomeOf(final, reply?.approvedBy);
    // Read before counting anything, so a scrape sees the run's counters move together.
    const run = outcome === 'auto_sent' ? await this.runs.find(runId, tx) : null;
    this.metrics.runsFinished.inc({ outcome });
    if (run) {
      this.metrics.autoSends.inc({ grounded: String((run.citations ?? []).length > 0) });
      this.countGrounding(run);
    }
  }

  /**
   * Per category, whether a routed draft cited a passage or had none to cite; counted where a draft is
   * routed (a review opening, or an auto-send). Runs without a knowledge base count in neither.
   */
  private countGrounding(run: WorkflowRunEntity): void {
    const cited = (run.citations ?? []).length > 0;
    const unsupported = run.reviewReasons?.includes('no_supporting_article') ?? false;
    if (!run.classification || (!cited && !unsupported)) return;
    this.metrics.knowledgeGrounding.inc({
      category: run.classification.category,
      result: cited ? 'cited' : 'no_supporting_article',
    });
  }
}
