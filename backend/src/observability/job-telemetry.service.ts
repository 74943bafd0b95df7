import { Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { withWorkContext, type WorkContext } from './context';
import { MetricsService } from './metrics.service';
import { Tracing, type TraceCarrier } from './tracing';

/**
 * Wraps a queue job: continues the trace carried in its data, gives every log
 * line the job's ids, and counts attempts that throw.
 */
@Injectable()
export class JobTelemetry {
  private readonly logger = new Logger('Job');

  constructor(
    private readonly tracing: Tracing,
    private readonly metrics: MetricsService,
  ) {}

  run<T>(job: Job, ids: Pick<WorkContext, 'runId' | 'eventId'>, work: () => Promise<T>): Promise<T> {
    const parent = this.tracing.extract((job.data as { trace?: TraceCarrier }).trace);
    return withWorkContext({ ...ids, jobId: job.id, trace: parent }, () =>
      this.tracing.inSpan(
        `job ${job.name}`,
        {
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queueName,
          'handoff.attempt': job.attemptsMade + 1,
          ...(ids.runId ? { 'handoff.run_id': ids.runId } : {}),
        },
        async () => {
          const started = Date.now();
          try {
            const result = await work();
            this.logger.log({ msg: 'job completed', job: job.name, result, durationMs: Date.now() - started });
            return result;
          } catch (error) {
            this.metrics.jobErrors.inc({ queue: job.queueName, job: job.name });
            throw error;
          }
        },
        parent,
        SpanKind.CONSUMER,
      ),
    );
  }
}
