import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Digest } from '@handoff/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { ConflictError, UnavailableError, UnprocessableError } from '../common/domain-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { digestEnabled } from './digest.config';
import { dayBounds } from './digest-format';
import { DigestRepository, type DigestRow } from './digest.repository';

export function toDigest(row: DigestRow): Digest {
  return {
    date: row.digestDate,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    note: row.note,
    sentAt: row.sentAt ? new Date(row.sentAt).toISOString() : null,
  };
}

/** The API side of the digest: an admin's request to send or re-send one day's digest (a backfill). */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    private readonly digests: DigestRepository,
    private readonly jobs: JobQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Queues the send of `date`'s digest: again if it was sent, to the missing channels if it failed.
   * Refused while the digest has no recipient or the day has not ended in DIGEST_TIMEZONE.
   */
  async requestSend(date: string, actor: string): Promise<Digest> {
    if (!digestEnabled(this.config)) {
      throw new ConflictError('the digest is off: set DIGEST_EMAILS or DIGEST_SLACK_CHANNEL');
    }
    if (dayBounds(date, this.config.DIGEST_TIMEZONE).to > this.clock.now()) {
      throw new UnprocessableError(`${date} has not ended yet in ${this.config.DIGEST_TIMEZONE}`);
    }
    const row = await this.digests.ensure(date);
    if (!(await this.jobs.enqueue(JOBS.digestSend, { date, resend: true }))) {
      throw new UnavailableError('the queue is unavailable; try again shortly');
    }
    this.logger.log(`${actor} asked for the digest of ${date} (now ${row.status})`);
    return toDigest(row);
  }
}
