import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';

/** Connections this process may open: our pool, plus the checkpointer's where runs execute. */
export function connectionsNeeded(config: AppConfig): number {
  return config.DATABASE_POOL_SIZE + (config.APP_ROLE === 'api' ? 0 : config.CHECKPOINT_POOL_SIZE);
}

/**
 * Boot fails when this process's pools could not all be open at once on the server: a pool that
 * cannot grow to its size makes its callers wait on connections that never come. Any
 * WORKER_CONCURRENCY is served by pools of any size, since a run holds a connection only for one
 * short statement or transaction at a time (its exclusivity is a lease row, see RunLeases).
 */
@Injectable()
export class PoolBudget implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // At module init, before any queue worker starts taking jobs.
  async onModuleInit(): Promise<void> {
    const [{ usable }] = (await this.dataSource.query(
      `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int AS usable`,
    )) as [{ usable: number }];
    const needed = connectionsNeeded(this.config);
    if (needed > usable) {
      throw new Error(
        `DATABASE_POOL_SIZE + CHECKPOINT_POOL_SIZE = ${needed} connections, but PostgreSQL accepts at most ${usable} ` +
          `(max_connections less superuser_reserved_connections): lower the pool sizes or raise max_connections`,
      );
    }
  }
}
