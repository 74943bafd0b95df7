import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { JobTelemetry } from '../../observability/job-telemetry.service';
import { JOBS, QUEUES, WORKER_OPTIONS } from '../../queue/jobs';
import { SlackRateLimitedError } from '../../delivery/slack/slack-client.service';
import { SlackMessagesService } from './slack-messages.service';

@Processor(QUEUES.slack, WORKER_OPTIONS)
export class SlackProcessor extends WorkerHost {
  private readonly logger = new Logger(SlackProcessor.name);

  constructor(
    private readonly messages: SlackMessagesService,
    private readonly telemetry: JobTelemetry,
  ) {
    super();
  }

  process(job: Job, token?: string): Promise<string> {
    return this.telemetry.run(job, {}, async () => {
      try {
        if (job.name === JOBS.slackPostReview.name) {
          const { reviewId, round } = JOBS.slackPostReview.schema.parse(job.data);
          return await this.messages.postReview(reviewId, round);
        }
        if (job.name === JOBS.slackRemind.name) {
          return await this.messages.postReminder(JOBS.slackRemind.schema.parse(job.data).reviewId);
        }
        if (job.name === JOBS.slackEscalate.name) {
          return await this.messages.postEscalation(JOBS.slackEscalate.schema.parse(job.data).reviewId);
        }
        const { reviewId, round } = JOBS.slackShowDecision.schema.parse(job.data);
        return await this.messages.showDecision(reviewId, round);
      } catch (error) {
        if (error instanceof SlackRateLimitedError) {
          // Slack said when to come back; waiting that long is not a failed attempt.
          await job.moveToDelayed(Date.now() + error.retryAfterSeconds * 1000, token);
          throw new DelayedError();
        }
        this.logger.warn(`${job.name} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`);
        throw error;
      }
    });
  }
}
