import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { slackEnabled, type AppConfig } from '../config/config.schema';
import { digestEnabled } from '../digest/digest.config';
import { JobDispatcher } from './job-dispatcher';
import { QueueModule } from './queue.module';
import {
  DeliveryQueueWorker,
  DigestQueueWorker,
  ModelsQueueWorker,
  SlackQueueWorker,
  WorkflowQueueWorker,
} from './queue-workers';

/** The worker role's queue consumers: one generic worker per running queue, one dispatcher for all. */
@Module({})
export class JobWorkersModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: JobWorkersModule,
      imports: [DiscoveryModule, QueueModule],
      providers: [
        JobDispatcher,
        WorkflowQueueWorker,
        DeliveryQueueWorker,
        ModelsQueueWorker,
        ...(slackEnabled(config) ? [SlackQueueWorker] : []),
        ...(digestEnabled(config) ? [DigestQueueWorker] : []),
      ],
    };
  }
}
