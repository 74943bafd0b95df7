import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { syncJobScheduler } from '../queue/job-scheduler';
import { DIGEST_SCHEDULER_ID, JOBS, QUEUES } from '../queue/jobs';
import { digestEnabled } from './digest.config';

/** The digest's schedule (DIGEST_CRON in DIGEST_TIMEZONE) while it has a recipient; removed when it has none. */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DigestScheduler.name);

  constructor(
    @InjectQueue(QUEUES.digest) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { DIGEST_CRON, DIGEST_TIMEZONE } = this.config;
    syncJobScheduler(
      this.queue,
      DIGEST_SCHEDULER_ID,
      digestEnabled(this.config)
        ? {
            pattern: DIGEST_CRON,
            tz: DIGEST_TIMEZONE,
            name: JOBS.digestDaily.name,
            opts: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
          }
        : null,
      this.logger,
    );
  }
}
