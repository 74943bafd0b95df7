import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { DIGEST_SCHEDULER_ID, JOBS, QUEUES } from '../queue/jobs';
import { digestEnabled } from './digest.config';

/**
 * Keeps the digest's BullMQ job scheduler in line with this worker's settings at boot: upserted (one per
 * Redis prefix, however many workers do it) while the digest has a recipient, removed when it has none.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DigestScheduler.name);

  constructor(
    @InjectQueue(QUEUES.digest) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Never holds up or fails the boot: BullMQ waits for Redis rather than failing, so with Redis down the
   * worker starts and the schedule is set once Redis answers.
   */
  onApplicationBootstrap(): void {
    this.apply().catch((error: Error) => this.logger.warn(`could not update the digest schedule: ${error.message}`));
  }

  private async apply(): Promise<void> {
    if (!digestEnabled(this.config)) {
      await this.queue.removeJobScheduler(DIGEST_SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(
      DIGEST_SCHEDULER_ID,
      { pattern: this.config.DIGEST_CRON, tz: this.config.DIGEST_TIMEZONE },
      { name: JOBS.digestDaily.name, data: {}, opts: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } } },
    );
    this.logger.log(`daily digest scheduled: "${this.config.DIGEST_CRON}" in ${this.config.DIGEST_TIMEZONE}`);
  }
}
