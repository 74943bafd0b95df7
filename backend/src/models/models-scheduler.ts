import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JOBS, MODEL_RETRAIN_SCHEDULER_ID, QUEUES } from '../queue/jobs';

/** Keeps the scheduled retrain (MODEL_RETRAIN_CRON, UTC) in line with this worker's settings; "off" removes it. */
@Injectable()
export class ModelsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ModelsScheduler.name);

  constructor(
    @InjectQueue(QUEUES.models) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.apply().catch((error: Error) => this.logger.warn(`could not update the retrain schedule: ${error.message}`));
  }

  private async apply(): Promise<void> {
    if (this.config.MODEL_RETRAIN_CRON === 'off') {
      await this.queue.removeJobScheduler(MODEL_RETRAIN_SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(
      MODEL_RETRAIN_SCHEDULER_ID,
      { pattern: this.config.MODEL_RETRAIN_CRON, tz: 'UTC' },
      {
        name: JOBS.modelRetrainScheduled.name,
        data: {},
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
      },
    );
  }
}
