import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { RunRepository } from './run.repository';

/** Threads deleted per transaction, so pruning a large backlog never holds long locks. */
const BATCH = 200;

export interface PruneResult {
  threads: number;
}

/**
 * Deletes LangGraph checkpoints (checkpoints, checkpoint_blobs, checkpoint_writes)
 * of runs that ended more than CHECKPOINT_RETENTION_HOURS ago, and of failed runs
 * after FAILED_CHECKPOINT_RETENTION_HOURS (a failed run is replayed from its
 * checkpoint, so it keeps one for the replay window). Runs, steps, decisions,
 * replies and the audit trail stay. Idempotent: each run is marked checkpoints_pruned_at, and a second pass finds nothing.
 */
@Injectable()
export class CheckpointRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CheckpointRetention');
  private readonly periodic = new PeriodicTask(
    async () => {
      const { threads } = await this.prune();
      if (threads) this.logger.log(`pruned checkpoints of ${threads} finished runs`);
    },
    (error) => this.logger.warn(`checkpoint pruning failed: ${error.message}`),
  );

  constructor(
    private readonly runs: RunRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.RETENTION_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async prune(): Promise<PruneResult> {
    const now = this.clock.now().getTime();
    const endedBefore = new Date(now - this.config.CHECKPOINT_RETENTION_HOURS * 3_600_000);
    const failedBefore = new Date(now - this.config.FAILED_CHECKPOINT_RETENTION_HOURS * 3_600_000);
    let threads = 0;
    for (;;) {
      const pruned = await this.runs.pruneCheckpoints(endedBefore, failedBefore, new Date(now), BATCH);
      threads += pruned;
      if (pruned < BATCH) return { threads };
    }
  }
}
