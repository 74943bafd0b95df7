import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { RunBusyError } from './errors';
import { RunRepository } from './run.repository';

/** Renewed this many times per lease period, so one slow or failed renewal does not lose it. */
const RENEWALS_PER_LEASE = 3;

/**
 * One execution per run without holding a database connection across it: the run's row carries a
 * lease (owner, expiry) taken and renewed by short UPDATEs. A crashed worker stops renewing, its
 * lease expires, and the next job for the run (a BullMQ stalled-job retry or the sweeper's) takes it.
 */
@Injectable()
export class RunLeases {
  private readonly logger = new Logger(RunLeases.name);
  private readonly ttlMs: number;

  constructor(
    private readonly runs: RunRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.RUN_LEASE_MS;
  }

  /**
   * Runs `work` holding the run's lease, or returns `busy()` without running it when someone else
   * holds it. `work`'s signal aborts if the lease is lost (it expired while renewals failed and
   * another worker took it); `work` then throws a RunBusyError so its job retries later.
   */
  async withLease<T>(runId: string, work: (signal: AbortSignal) => Promise<T>, busy: () => Promise<T>): Promise<T> {
    // Per execution, not per process: two jobs of one run in the same worker must exclude each other too.
    const owner = `${hostname().slice(0, 64)}:${process.pid}:${randomUUID()}`;
    if (!(await this.runs.takeLease(runId, owner, this.ttlMs))) return busy();
    const lost = new AbortController();
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(() => this.renew(runId, owner, lost));
    }, this.ttlMs / RENEWALS_PER_LEASE);
    try {
      return await work(lost.signal);
    } catch (error) {
      throw lost.signal.aborted ? lost.signal.reason : error;
    } finally {
      clearInterval(timer);
      await renewing;
      await this.runs.releaseLease(runId, owner);
    }
  }

  private async renew(runId: string, owner: string, lost: AbortController): Promise<void> {
    if (lost.signal.aborted) return;
    try {
      if (await this.runs.renewLease(runId, owner, this.ttlMs)) return;
      lost.abort(new RunBusyError(`run ${runId}: lease lost to another worker`, this.ttlMs / RENEWALS_PER_LEASE));
    } catch (error) {
      // The database may be back before the lease runs out; the next renewal tries again.
      this.logger.warn(`run ${runId}: lease renewal failed: ${(error as Error).message}`);
    }
  }
}
