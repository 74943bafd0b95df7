import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { EventsService } from '../events/events.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { SlackMessagesService } from '../slack/slack-messages.service';

/** How long work may sit in Postgres without its job before the sweeper re-enqueues it. */
const GRACE = "interval '3 seconds'";
const BATCH = 500;

/**
 * Rebuilds lost jobs from Postgres: runs whose start job never reached Redis,
 * decisions whose resume job was lost, and replies waiting to be sent.
 * Deterministic job ids make re-enqueueing work that is still queued a no-op.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SweeperService.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly jobs: JobQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Present only when Slack is configured.
    @Optional() private readonly slack?: SlackMessagesService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: Error) => this.logger.warn(`sweep failed: ${error.message}`))
        .finally(() => (this.sweeping = undefined));
    }, this.config.SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
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

    const slackMessages = (await this.slack?.reconcile()) ?? 0;

    const repaired = unqueued.length + unapplied.length + unsent.length + slackMessages;
    if (repaired)
      this.logger.log(
        `re-enqueued ${unqueued.length} runs, ${unapplied.length} decisions, ${unsent.length} replies, ${slackMessages} Slack messages`,
      );
  }
}
