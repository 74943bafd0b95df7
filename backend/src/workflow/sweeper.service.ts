import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { OutboxRepository } from '../delivery/outbox.repository';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS, QUEUES } from '../queue/jobs';
import { ReviewsService } from '../reviews/reviews.service';
import { SlackMessagesService } from '../reviews/slack/slack-messages.service';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';

/** How long work may sit in Postgres without its job before the sweeper re-enqueues it. */
const GRACE_SECONDS = 3;
const BATCH = 500;
/** A queued or running run untouched this long is checked for a job in Redis (which may have been wiped). */
const ORPHAN_GRACE_SECONDS = 30;

/**
 * Rebuilds lost jobs from Postgres: runs whose start job never reached Redis,
 * decisions whose resume job was lost, and replies waiting to be sent.
 * Deterministic job ids make re-enqueueing work that is still queued a no-op.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SweeperService.name);
  private readonly periodic = new PeriodicTask(
    () => this.sweep(),
    (error) => this.logger.warn(`sweep failed: ${error.message}`),
  );

  constructor(
    private readonly runRepository: RunRepository,
    private readonly runs: RunsService,
    private readonly reviews: ReviewsService,
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Present only when Slack is configured.
    @Optional() private readonly slack?: SlackMessagesService,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async sweep(): Promise<void> {
    const unqueued = await this.runRepository.unqueued(GRACE_SECONDS, BATCH);
    for (const runId of unqueued) await this.runs.enqueue(runId);

    const unapplied = await this.reviews.decisionsNotResumed(GRACE_SECONDS, BATCH);
    for (const row of unapplied) await this.jobs.enqueue(JOBS.resumeRun, row);

    const unsent = await this.outbox.pendingOverdue(GRACE_SECONDS, BATCH);
    for (const outboundId of unsent) await this.jobs.enqueue(JOBS.deliverReply, { outboundId });

    const orphaned = await this.requeueOrphans();
    const slackMessages = (await this.slack?.reconcile()) ?? 0;

    const repaired = unqueued.length + unapplied.length + unsent.length + orphaned + slackMessages;
    if (repaired)
      this.logger.log(
        `re-enqueued ${unqueued.length} runs, ${unapplied.length} decisions, ${unsent.length} replies, ${orphaned} orphaned runs, ${slackMessages} Slack messages`,
      );
  }

  /**
   * Runs that Postgres says are queued or running but whose job Redis no longer
   * holds (Redis restarted without persistence, or was flushed). A start job is
   * re-entrant: it continues from the last checkpoint, re-records a pending
   * review, or settles a finished graph, so re-adding one is safe.
   */
  private async requeueOrphans(): Promise<number> {
    const stale = await this.runRepository.stale(ORPHAN_GRACE_SECONDS, BATCH);
    let requeued = 0;
    for (const run of stale) {
      const jobIds = [
        JOBS.startRun.jobId({ runId: run.id }),
        ...run.decision_ids.map((decisionId) => JOBS.resumeRun.jobId({ decisionId })),
      ];
      if (await this.jobs.anyQueued(QUEUES.workflow, jobIds)) continue;
      if (await this.jobs.enqueue(JOBS.startRun, { runId: run.id })) requeued += 1;
    }
    return requeued;
  }
}
