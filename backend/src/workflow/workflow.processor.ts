import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JobTelemetry } from '../observability/job-telemetry.service';
import { isLastAttempt, JOBS, QUEUES, WORKER_OPTIONS, jobByName } from '../queue/jobs';
import { LlmPermanentError, WaitAndRetryError } from './errors';
import { WorkflowRunner, type WorkflowJob } from './workflow-runner.service';

@Processor(QUEUES.workflow, WORKER_OPTIONS)
export class WorkflowProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkflowProcessor.name);

  constructor(
    private readonly runner: WorkflowRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly telemetry: JobTelemetry,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  async process(job: Job, token?: string): Promise<string> {
    const definition = jobByName(job.name);
    let runId: string;
    let work: WorkflowJob;
    if (definition.name === JOBS.resumeRun.name) {
      const data = JOBS.resumeRun.schema.parse(job.data);
      runId = data.runId;
      work = { kind: 'resume', decisionId: data.decisionId };
    } else {
      runId = JOBS.startRun.schema.parse(job.data).runId;
      work = { kind: 'start' };
    }
    return this.telemetry.run(job, { runId }, () => this.executeJob(job, runId, work, token));
  }

  private async executeJob(job: Job, runId: string, work: WorkflowJob, token?: string): Promise<string> {
    try {
      return await this.runner.execute(runId, work);
    } catch (error) {
      if (error instanceof WaitAndRetryError && token) {
        // Not a failure: park the job without spending an attempt.
        await job.moveToDelayed(Date.now() + error.retryAfterMs, token);
        throw new DelayedError();
      }
      this.logger.warn(
        `run ${runId} job ${job.id} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`,
      );
      if (error instanceof LlmPermanentError) {
        await this.runner.markFailed(runId, error);
        throw new UnrecoverableError(error.message);
      }
      if (isLastAttempt(job)) await this.runner.markFailed(runId, error as Error);
      throw error;
    }
  }
}
