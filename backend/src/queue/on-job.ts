import type { Job } from 'bullmq';
import type { WorkContext } from '../observability/context';
import type { JobDefinition, JobPayload } from './jobs';

/** What a handler may ask of the job it runs in. */
export interface JobContext {
  job: Job;
  /** Whether this is the job's final attempt, after which the queue gives up on it. */
  lastAttempt: boolean;
  /**
   * Parks the job for `ms` without spending an attempt (something it needs is busy or
   * rate-limited). Throws to end the attempt; returns false when the job cannot be parked.
   */
  retryAfter(ms: number): Promise<false>;
}

export type JobHandler<J extends JobDefinition> = (payload: JobPayload<J>, context: JobContext) => Promise<string>;

export interface OnJobOptions<J extends JobDefinition> {
  /** The ids the job's log lines and trace carry. */
  ids?: (payload: JobPayload<J>) => Pick<WorkContext, 'runId' | 'eventId'>;
}

export interface JobHandlerMetadata {
  job: JobDefinition;
  options: OnJobOptions<JobDefinition>;
}

const ON_JOB = Symbol('handoff:on-job');

/**
 * Declares the method as the handler of `job`, next to the service whose work it is.
 * The worker role's JobDispatcher finds every handler at boot and refuses to start
 * when a job of a running queue has none, or two.
 */
export function OnJob<J extends JobDefinition>(job: J, options: OnJobOptions<J> = {}) {
  return (_target: object, _key: string | symbol, descriptor: { value?: JobHandler<J> }): void => {
    Reflect.defineMetadata(ON_JOB, { job, options } satisfies JobHandlerMetadata, descriptor.value!);
  };
}

export function jobHandlerMetadata(method: unknown): JobHandlerMetadata | undefined {
  return typeof method === 'function' ? Reflect.getMetadata(ON_JOB, method) : undefined;
}
