import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { MailerService } from '../delivery/mailer.service';
import { SlackClient, SlackRateLimitedError } from '../delivery/slack/slack-client.service';
import { StatsService } from '../queries/stats.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS, type JobPayload } from '../queue/jobs';
import { OnJob, type JobContext } from '../queue/on-job';
import {
  dayBounds,
  digestHtml,
  digestSlack,
  digestSubject,
  digestText,
  hadTraffic,
  reportedDate,
} from './digest-format';
import { DigestRepository, type DigestRow } from './digest.repository';

/** How long a worker's claim on a digest lasts: well above an SMTP send plus a Slack post. */
export const DIGEST_LEASE_MS = 120_000;

export type SendOutcome = { claimed: true; row: DigestRow } | { claimed: false; row: DigestRow };

/**
 * The worker side of the digest: the scheduled job picks the day, the send job claims that day's row and
 * sends it through the mailer and the Slack client. The row decides, so however many workers run the
 * schedule (or an admin re-send races it), a day's digest goes out once.
 */
@Injectable()
export class DigestSender {
  private readonly logger = new Logger(DigestSender.name);

  constructor(
    private readonly digests: DigestRepository,
    private readonly stats: StatsService,
    private readonly mailer: MailerService,
    private readonly jobs: JobQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly slack?: SlackClient,
  ) {}

  /** The schedule fired: queue the day before its fire time (not before now, so a late run reports the right day). */
  @OnJob(JOBS.digestDaily)
  async daily(_payload: JobPayload<typeof JOBS.digestDaily>, { job }: JobContext): Promise<string> {
    const scheduledAt = new Date((job.opts as { prevMillis?: number }).prevMillis ?? job.timestamp);
    const date = reportedDate(scheduledAt, this.config.DIGEST_TIMEZONE);
    if (!(await this.jobs.enqueue(JOBS.digestSend, { date, resend: false }))) {
      throw new Error(`could not queue the digest of ${date}`);
    }
    return `queued the digest of ${date}`;
  }

  @OnJob(JOBS.digestSend)
  async sendJob({ date, resend }: JobPayload<typeof JOBS.digestSend>, context: JobContext): Promise<string> {
    try {
      const outcome = await this.send(date, resend);
      if (!outcome.claimed && outcome.row.status === 'sending') {
        // Another worker holds it: come back when its claim lapses, in case that worker died.
        const lapse = outcome.row.claimedUntil ? new Date(outcome.row.claimedUntil).getTime() - Date.now() : 0;
        await context.retryAfter(Math.max(1_000, lapse + 1_000));
      }
      return `digest of ${date}: ${outcome.row.status}${outcome.claimed ? '' : ' (nothing to do)'}`;
    } catch (error) {
      if (error instanceof SlackRateLimitedError) await context.retryAfter(error.retryAfterSeconds * 1000);
      this.logger.warn(`digest of ${date}, attempt ${context.job.attemptsMade + 1}: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * Claims `date`'s row and sends it, or records that the day had no traffic. Unclaimed (sent already,
   * or another worker holds it) it does nothing and says so. On failure the row is failed with the error
   * and the error is thrown, so the job retries it.
   */
  async send(date: string, resend: boolean): Promise<SendOutcome> {
    const claimed = await this.digests.claim(date, DIGEST_LEASE_MS, resend);
    if (!claimed) return { claimed: false, row: (await this.digests.find(date))! };
    try {
      return { claimed: true, row: await this.deliver(claimed) };
    } catch (error) {
      await this.digests.fail(date, errorSummary(error));
      throw error;
    }
  }

  private async deliver(claimed: DigestRow): Promise<DigestRow> {
    const date = claimed.digestDate;
    const zone = this.config.DIGEST_TIMEZONE;
    const { from, to } = dayBounds(date, zone);
    const overview = await this.stats.overview(from, to);
    if (!hadTraffic(overview)) {
      const note = `no traffic on ${date} (${zone}): nothing to report, nothing sent`;
      this.logger.log(`digest of ${date} skipped: ${note}`);
      return (await this.digests.finish(date, 'skipped', note))!;
    }
    const ui = this.config.PUBLIC_UI_URL.replace(/\/$/, '');
    const input = {
      date,
      timeZone: zone,
      overview,
      now: new Date(),
      links: {
        // The Overview's period is whole UTC days; in another zone this is the UTC day the digest's day starts on.
        overview: `${ui}/overview?from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}`,
        review: (reviewId: string) => `${ui}/reviews/${reviewId}`,
      },
    };
    if (this.config.DIGEST_EMAILS.length && !claimed.emailSentAt) {
      await this.mailer.sendReport({
        to: this.config.DIGEST_EMAILS,
        subject: digestSubject(input),
        text: digestText(input),
        html: digestHtml(input),
      });
      await this.digests.markChannelSent(date, 'email');
    }
    if (this.config.DIGEST_SLACK_CHANNEL && !claimed.slackSentAt) {
      if (!this.slack) throw new Error('DIGEST_SLACK_CHANNEL is set but Slack is off');
      const { text, blocks } = digestSlack(input);
      await this.slack.post(this.config.DIGEST_SLACK_CHANNEL, text, blocks);
      await this.digests.markChannelSent(date, 'slack');
    }
    this.logger.log(`digest of ${date} sent`);
    return (await this.digests.finish(date, 'sent', null))!;
  }
}

/** What the row keeps of an error: its class and message, bounded (transports put no secrets there). */
function errorSummary(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, 500);
}
