import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JobQueueService } from './job-queue.service';
import { QUEUES } from './jobs';

/**
 * Finished and failed jobs are removed: Postgres holds the outcome (a failed
 * run keeps its error and step), Redis only carries work. This also frees
 * the deterministic job id, so a replayed run can be queued again.
 */
const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: true,
};

const EVENT_STREAM_MAX_LEN = 1_000;

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: { url: config.REDIS_URL },
        prefix: config.REDIS_PREFIX,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    // Bounded event streams: BullMQ trims each queue's event log to about this many entries.
    BullModule.registerQueue(
      { name: QUEUES.workflow, streams: { events: { maxLen: EVENT_STREAM_MAX_LEN } } },
      { name: QUEUES.delivery, streams: { events: { maxLen: EVENT_STREAM_MAX_LEN } } },
      { name: QUEUES.slack, streams: { events: { maxLen: EVENT_STREAM_MAX_LEN } } },
      { name: QUEUES.digest, streams: { events: { maxLen: EVENT_STREAM_MAX_LEN } } },
      { name: QUEUES.models, streams: { events: { maxLen: EVENT_STREAM_MAX_LEN } } },
    ),
  ],
  providers: [JobQueueService],
  exports: [JobQueueService, BullModule],
})
export class QueueModule {}
