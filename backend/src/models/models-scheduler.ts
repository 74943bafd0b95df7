import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { syncJobScheduler } from '../queue/job-scheduler';
import { JOBS, MODEL_RETRAIN_SCHEDULER_ID, QUEUES } from '../queue/jobs';

/** The scheduled retrain (MODEL_RETRAIN_CRON, UTC); "off" removes it. */
@Injectable()
export class ModelsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelsScheduler.name);

  constructor(
    @InjectQueue(QUEUES.models) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const cron = this.config.MODEL_RETRAIN_CRON;
    syncJobScheduler(
      this.queue,
      MODEL_RETRAIN_SCHEDULER_ID,
      cron === 'off'
        ? null
        : {
            pattern: cron,
            tz: 'UTC',
            name: JOBS.modelRetrainScheduled.name,
            opts: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
          },
      this.logger,
    );
  }
}
