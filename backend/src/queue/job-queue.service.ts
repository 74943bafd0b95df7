import { Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Tracing } from '../observability/tracing';
import { JobDefinition, JobPayload, QUEUES } from './jobs';

const ENQUEUE_TIMEOUT_MS = 2_000;

/** Adds typed jobs with deterministic ids. Never throws: the sweeper re-enqueues from Postgres. */
@Injectable()
export class JobQueueService {
  private readonly logger = new Logger(JobQueueService.name);
  private readonly queues: Record<string, Queue>;

  constructor(
    @InjectQueue(QUEUES.workflow) workflow: Queue,
    @InjectQueue(QUEUES.delivery) delivery: Queue,
    @InjectQueue(QUEUES.slack) slack: Queue,
    @InjectQueue(QUEUES.digest) digest: Queue,
    @InjectQueue(QUEUES.models) models: Queue,
    private readonly tracing: Tracing,
  ) {
    this.queues = {
      [QUEUES.workflow]: workflow,
      [QUEUES.delivery]: delivery,
      [QUEUES.slack]: slack,
      [QUEUES.digest]: digest,
      [QUEUES.models]: models,
    };
  }

  /** Returns whether the job is known to be in the queue. */
  enqueue<J extends JobDefinition>(job: J, payload: JobPayload<J>, delayMs = 0): Promise<boolean> {
    return this.tracing.inSpan(
      `enqueue ${job.name}`,
      { 'messaging.system': 'bullmq', 'messaging.destination.name': job.queue },
      () => this.add(job, { ...payload, trace: this.tracing.inject() }, delayMs),
      undefined,
      SpanKind.PRODUCER,
    );
  }

  /** Whether any of these jobs is in the queue (waiting, delayed, active or retrying); throws when Redis is down. */
  async anyQueued(queueName: string, jobIds: string[]): Promise<boolean> {
    const queue = this.queues[queueName];
    if (!queue) throw new Error(`no queue registered for ${queueName}`);
    for (const jobId of jobIds) if (await queue.getJob(jobId)) return true;
    return false;
  }

  private async add<J extends JobDefinition>(job: J, payload: JobPayload<J>, delayMs: number): Promise<boolean> {
    const data = job.schema.parse(payload);
    const queue = this.queues[job.queue];
    if (!queue) throw new Error(`no queue registered for ${job.queue}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.add(job.name, data, {
          ...('options' in job ? job.options : {}),
          jobId: job.jobId(data as never),
          delay: delayMs,
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(`enqueue ${job.name} failed, the sweeper will retry: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
