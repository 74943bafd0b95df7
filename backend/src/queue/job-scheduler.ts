import type { Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';

/** A repeating job: its cron pattern and time zone, and the job each firing adds. */
export interface CronJob {
  pattern: string;
  tz: string;
  name: string;
  opts: JobsOptions;
}

/**
 * Brings a queue's BullMQ job scheduler in line with this process's settings: upserted (one per Redis
 * prefix, however many workers do it) when `job` is given, removed when it is null. Never holds up or fails
 * the boot: BullMQ waits for Redis rather than failing, so with Redis down the schedule is set once it answers.
 */
export function syncJobScheduler(queue: Queue, schedulerId: string, job: CronJob | null, logger: Logger): void {
  const apply = async () => {
    if (!job) {
      await queue.removeJobScheduler(schedulerId);
      return;
    }
    await queue.upsertJobScheduler(
      schedulerId,
      { pattern: job.pattern, tz: job.tz },
      { name: job.name, data: {}, opts: job.opts },
    );
    logger.log(`${schedulerId} scheduled: "${job.pattern}" in ${job.tz}`);
  };
  apply().catch((error: Error) => logger.warn(`could not update the ${schedulerId} schedule: ${error.message}`));
}
