import { Inject, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JobDispatcher } from './job-dispatcher';
import { QUEUES, WORKER_OPTIONS, type QueueName } from './jobs';

/** One generic BullMQ worker for `queue`: it takes the queue's jobs and hands each to the dispatcher by name. */
function queueWorker(queue: QueueName, concurrency: (config: AppConfig) => number = () => 1): Type<WorkerHost> {
  @Processor(queue, WORKER_OPTIONS)
  class QueueWorker extends WorkerHost implements OnApplicationBootstrap {
    constructor(
      @Inject(JobDispatcher) private readonly dispatcher: JobDispatcher,
      @Inject(APP_CONFIG) private readonly config: AppConfig,
    ) {
      super();
    }

    onApplicationBootstrap(): void {
      this.worker.concurrency = concurrency(this.config);
    }

    process(job: Job, token?: string): Promise<string> {
      return this.dispatcher.dispatch(job, token);
    }
  }
  Object.defineProperty(QueueWorker, 'name', { value: `${queue[0]!.toUpperCase()}${queue.slice(1)}QueueWorker` });
  return QueueWorker;
}

export const WorkflowQueueWorker = queueWorker(QUEUES.workflow, (config) => config.WORKER_CONCURRENCY);
export const DeliveryQueueWorker = queueWorker(QUEUES.delivery);
export const SlackQueueWorker = queueWorker(QUEUES.slack);
export const DigestQueueWorker = queueWorker(QUEUES.digest);
export const ModelsQueueWorker = queueWorker(QUEUES.models);
