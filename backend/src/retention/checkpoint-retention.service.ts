import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { CHECKPOINT_SCHEMA } from '../database/setup';

/** Threads deleted per transaction, so pruning a large backlog never holds long locks. */
const BATCH = 200;
/** Runs that ended and cannot be replayed: their graph state is no longer needed. */
const ENDED = ['sent', 'answered', 'rejected', 'ignored', 'timed_out'];

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
    private readonly dataSource: DataSource,
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
      const pruned = await this.dataSource.transaction(async (manager) => {
        // Runs whose checkpoints are still there (a partial index); SKIP LOCKED leaves a run that a replay is moving alone.
        const rows: { id: string }[] = await manager.query(
          `SELECT r.id FROM workflow_runs r
            WHERE r.checkpoints_pruned_at IS NULL AND r.finished_at IS NOT NULL
              AND r.finished_at < GREATEST($2::timestamptz, $3::timestamptz)
              AND ((r.status = ANY($1) AND r.finished_at < $2) OR (r.status = 'failed' AND r.finished_at < $3))
            LIMIT ${BATCH} FOR UPDATE OF r SKIP LOCKED`,
          [ENDED, endedBefore, failedBefore],
        );
        const ids = rows.map((row) => row.id);
        if (!ids.length) return 0;
        for (const table of ['checkpoint_writes', 'checkpoint_blobs', 'checkpoints']) {
          await manager.query(`DELETE FROM ${CHECKPOINT_SCHEMA}.${table} WHERE thread_id = ANY($1::text[])`, [ids]);
        }
        await manager.query(`UPDATE workflow_runs SET checkpoints_pruned_at = $2 WHERE id = ANY($1::uuid[])`, [
          ids,
          new Date(now),
        ]);
        return ids.length;
      });
      threads += pruned;
      if (pruned < BATCH) return { threads };
    }
  }
}
