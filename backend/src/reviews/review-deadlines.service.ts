import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { CLOCK, type Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { OutboxService } from '../delivery/outbox.service';
import { MetricsService } from '../observability/metrics.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { REVIEW_RUNS, type ReviewRuns } from './ports';
import { ReviewStreamService } from './review-stream.service';
import { ReviewRepository, type DueTask } from './review.repository';

const BATCH = 100;

export interface DeadlineSweep {
  reminded: number;
  actions: number;
}

/**
 * Review reminders and deadline actions. The schedule is the review row itself
 * (remind_at, due_at), so it survives any restart; every worker polls it and
 * claims due rows with FOR UPDATE SKIP LOCKED, the same row lock a decision
 * takes, so a decision and a deadline racing for one review serialise and the
 * loser sees the winner's state. Each timer fires once: reminded_at and
 * deadline_action_taken_at are set in the transaction that publishes the event.
 */
@Injectable()
export class ReviewDeadlinesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReviewDeadlines');
  private readonly periodic = new PeriodicTask(
    () => this.sweep(),
    (error) => this.logger.warn(`deadline sweep failed: ${error.message}`),
  );

  constructor(
    private readonly uow: UnitOfWork,
    private readonly reviews: ReviewRepository,
    @Inject(REVIEW_RUNS) private readonly runs: ReviewRuns,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueueService,
    private readonly audit: AuditRepository,
    private readonly stream: ReviewStreamService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // Workers keep time; an API-only process only serves reviews.
    if (this.config.APP_ROLE === 'api') return;
    this.periodic.start(this.config.SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** Fires every reminder and deadline that is due by the clock; safe to run from many processes at once. */
  async sweep(): Promise<DeadlineSweep> {
    let reminded = 0;
    let actions = 0;
    for (let batch = BATCH; batch === BATCH; reminded += batch) batch = await this.remindBatch();
    for (let batch = BATCH; batch === BATCH; actions += batch) batch = await this.deadlineBatch();
    return { reminded, actions };
  }

  private async remindBatch(): Promise<number> {
    const now = this.clock.now();
    const reminded = await this.uow.run(async (tx) => {
      const due = await this.reviews.dueReminders(tx, now, BATCH);
      for (const task of due) {
        await this.reviews.markReminded(tx, task.id, now);
        await this.audit.record(tx, {
          actor: 'system',
          action: 'review.reminder',
          entityType: 'review',
          entityId: task.id,
          data: { runId: task.run_id },
        });
        await this.stream.publish(tx, 'review.reminder', task.id, { at: now });
      }
      return due.length;
    });
    this.metrics.reviewReminders.inc(reminded);
    return reminded;
  }

  private async deadlineBatch(): Promise<number> {
    const now = this.clock.now();
    const holdingReplies: string[] = [];
    const taken = await this.uow.run(async (tx) => {
      const due = await this.reviews.dueDeadlines(tx, now, BATCH);
      for (const task of due) {
        const outboundId = await this.takeAction(tx, task, now);
        if (outboundId) holdingReplies.push(outboundId);
        await this.audit.record(tx, {
          actor: 'system',
          action: `review.deadline.${task.deadline_action}`,
          entityType: 'review',
          entityId: task.id,
          data: { runId: task.run_id, ...(outboundId ? { outboundId } : {}) },
        });
        await this.stream.publish(tx, 'review.overdue', task.id, {
          at: now,
          deadlineAction: task.deadline_action,
        });
      }
      return due;
    });
    for (const task of taken) this.metrics.reviewDeadlineActions.inc({ action: task.deadline_action });
    // After commit; if this enqueue is lost the sweeper finds the pending outbox row.
    for (const outboundId of holdingReplies) await this.jobs.enqueue(JOBS.deliverReply, { outboundId });
    return taken.length;
  }

  /** Applies the action to a locked, pending review; returns the holding reply's outbox id, if any. */
  private async takeAction(tx: Tx, task: DueTask, now: Date): Promise<string | null> {
    switch (task.deadline_action) {
      case 'escalate':
        await this.reviews.markDeadlineTaken(tx, task.id, now, true);
        return null;
      case 'holding_reply':
        await this.reviews.markDeadlineTaken(tx, task.id, now, false);
        return this.outbox.requestHoldingReplyIn(tx, task.run_id, this.config.REVIEW_HOLDING_REPLY);
      case 'close':
        // A decision arriving later finds the review no longer pending and gets 409, as after any decision.
        await this.reviews.closeTimedOut(tx, task.id, now);
        await this.runs.closeByDeadline(tx, task.run_id);
        return null;
    }
  }
}
