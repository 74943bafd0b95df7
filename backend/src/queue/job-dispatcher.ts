import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG } from '../config/config.module';
import { slackEnabled, type AppConfig } from '../config/config.schema';
import { digestEnabled } from '../digest/digest.config';
import { JobTelemetry } from '../observability/job-telemetry.service';
import { handlerProblems } from './job-handlers';
import { isLastAttempt, QUEUES, type JobDefinition, type QueueName } from './jobs';
import { jobHandlerMetadata, type JobContext, type OnJobOptions } from './on-job';

interface Handler {
  job: JobDefinition;
  owner: string;
  options: OnJobOptions<JobDefinition>;
  handle: (payload: unknown, context: JobContext) => Promise<string>;
}

/**
 * Finds every @OnJob handler at boot, checks each running queue's jobs have exactly
 * one, and runs a queue's jobs by name: payload checked against the registry's
 * schema, the trace and log context of the job around the handler.
 */
@Injectable()
export class JobDispatcher implements OnModuleInit {
  private readonly handlers = new Map<string, Handler>();
  /** The queues this process works on: Slack's only when Slack is configured, the digest's when it has a recipient. */
  readonly queues: QueueName[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly telemetry: JobTelemetry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.queues = [
      QUEUES.workflow,
      QUEUES.delivery,
      ...(slackEnabled(config) ? [QUEUES.slack] : []),
      ...(digestEnabled(config) ? [QUEUES.digest] : []),
    ];
  }

  onModuleInit(): void {
    const found = this.discover();
    const problems = handlerProblems(found, this.queues);
    if (problems.length) throw new Error(`job handlers do not match the job registry:\n- ${problems.join('\n- ')}`);
    for (const handler of found) this.handlers.set(handler.job.name, handler);
  }

  dispatch(job: Job, token?: string): Promise<string> {
    const handler = this.handlers.get(job.name);
    if (!handler) return Promise.reject(new UnrecoverableError(`no handler for job "${job.name}"`));
    const payload = handler.job.schema.parse(job.data);
    const context: JobContext = {
      job,
      lastAttempt: isLastAttempt(job),
      retryAfter: async (ms) => {
        if (!token) return false;
        await job.moveToDelayed(Date.now() + ms, token);
        throw new DelayedError();
      },
    };
    return this.telemetry.run(job, handler.options.ids?.(payload as never) ?? {}, () =>
      handler.handle(payload, context),
    );
  }

  private discover(): Handler[] {
    const handlers: Handler[] = [];
    // A provider registered under several tokens (useExisting) is one instance with one set of handlers.
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      if (seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const metadata = jobHandlerMetadata(instance[key]);
        if (!metadata) continue;
        const method = instance[key] as Handler['handle'];
        handlers.push({
          ...metadata,
          owner: `${instance.constructor.name}.${key}`,
          handle: (payload, context) => method.call(instance, payload, context),
        });
      }
    }
    return handlers;
  }
}
