import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { EventsService } from '../events/events.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS, QUEUES } from '../queue/jobs';
import { SlackMessagesService } from '../slack/slack-messages.service';

/** How long work may sit in Postgres without its job before the sweeper re-enqueues it. */
const GRACE = "interval '3 seconds'";
const BATCH = 500;
/** A queued or running run untouched this long is checked for a job in Redis (which may have been wiped). */
const ORPHAN_GRACE = "interval '30 seconds'";

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
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
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
    const unqueued: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM workflow_runs WHERE status = 'queued' AND enqueued_at IS NULL AND created_at < now() - ${GRACE} LIMIT ${BATCH}`,
    );
    for (const run of unqueued) await this.events.enqueueRun(run.id);

    const unapplied: { decision_id: string; run_id: string }[] = await this.dataSource.query(
      `SELECT d.id AS decision_id, t.run_id FROM review_decisions d
         JOIN review_tasks t ON t.id = d.task_id AND t.round = d.round
         JOIN workflow_runs r ON r.id = t.run_id
        WHERE r.status = 'awaiting_review' AND t.status IN ('decided', 'redrafting') AND d.decided_at < now() - ${GRACE}
        LIMIT ${BATCH}`,
    );
    for (const row of unapplied)
      await this.jobs.enqueue(JOBS.resumeRun, { runId: row.run_id, decisionId: row.decision_id });

    const unsent: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM outbound_messages WHERE status = 'pending' AND next_attempt_at < now() - ${GRACE} LIMIT ${BATCH}`,
    );
    for (const row of unsent) await this.jobs.enqueue(JOBS.deliverReply, { outboundId: row.id });

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
    const stale: { id: string; decision_ids: string[] }[] = await this.dataSource.query(
      `SELECT r.id, coalesce(array_agg(d.id) FILTER (WHERE d.id IS NOT NULL), '{}') AS decision_ids
         FROM workflow_runs r
         LEFT JOIN review_tasks t ON t.run_id = r.id
         LEFT JOIN review_decisions d ON d.task_id = t.id
        WHERE r.status IN ('queued', 'running') AND r.enqueued_at IS NOT NULL AND r.updated_at < now() - ${ORPHAN_GRACE}
        GROUP BY r.id LIMIT ${BATCH}`,
    );
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
