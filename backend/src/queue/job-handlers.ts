import { JOBS, type JobDefinition, type QueueName } from './jobs';

/**
 * The boot check: every job of a queue this process works on has exactly one
 * handler, and no handler is for a job nobody registered. Returns the problems found.
 */
export function handlerProblems(
  handlers: { job: JobDefinition; owner: string }[],
  queues: readonly QueueName[],
  jobs: readonly JobDefinition[] = Object.values(JOBS),
): string[] {
  const problems: string[] = [];
  for (const job of jobs.filter((candidate) => queues.includes(candidate.queue))) {
    const owners = handlers.filter((handler) => handler.job.name === job.name).map((handler) => handler.owner);
    if (owners.length === 0) problems.push(`job "${job.name}" on queue "${job.queue}" has no handler`);
    if (owners.length > 1) problems.push(`job "${job.name}" has ${owners.length} handlers: ${owners.join(', ')}`);
  }
  for (const handler of handlers) {
    if (!jobs.some((job) => job.name === handler.job.name))
      problems.push(`${handler.owner} handles "${handler.job.name}", which is not in the job registry`);
  }
  return problems;
}
