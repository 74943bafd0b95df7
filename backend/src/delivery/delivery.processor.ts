import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { JobTelemetry } from '../observability/job-telemetry.service';
import { isLastAttempt, JOBS, QUEUES, WORKER_OPTIONS } from '../queue/jobs';
import { DeliveryService, RetryableDeliveryError } from './delivery.service';

@Processor(QUEUES.delivery, WORKER_OPTIONS)
export class DeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly delivery: DeliveryService,
    private readonly telemetry: JobTelemetry,
  ) {
    super();
  }

  process(job: Job): Promise<string> {
    const { outboundId } = JOBS.deliverReply.schema.parse(job.data);
    return this.telemetry.run(job, {}, () => this.deliver(job, outboundId));
  }

  private async deliver(job: Job, outboundId: string): Promise<string> {
    try {
      return await this.delivery.deliver(outboundId);
    } catch (error) {
      this.logger.warn(`outbound ${outboundId} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`);
      if (error instanceof RetryableDeliveryError && isLastAttempt(job)) {
        await this.delivery.giveUp(outboundId, error.message);
        return 'failed';
      }
      throw error;
    }
  }
}
