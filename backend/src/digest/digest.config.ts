import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { csv, type Report } from '../config/env';
import { slackConfigured } from '../reviews/slack/slack.config';

const slackChannel = /^[CG][A-Z0-9]{6,}$/;

/** Whether `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The daily digest: off while DIGEST_EMAILS and DIGEST_SLACK_CHANNEL are both unset. The schedule is a
 * cron pattern (five fields, or six with seconds) read in DIGEST_TIMEZONE; each run reports the day before.
 */
export const DigestConfig = {
  DIGEST_CRON: z
    .string()
    .default('0 8 * * *')
    .refine(
      (pattern) => {
        try {
          CronExpressionParser.parse(pattern);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a cron pattern such as "0 8 * * *"' },
    ),
  DIGEST_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
  DIGEST_EMAILS: csv.pipe(z.array(z.email({ message: 'must be comma-separated email addresses' }))).default([]),
  DIGEST_SLACK_CHANNEL: z.string().regex(slackChannel, 'must be a channel id such as C0123456789').optional(),
};

type DigestEnv = z.output<ReturnType<typeof z.object<typeof DigestConfig>>> & Parameters<typeof slackConfigured>[0];

/** Posting the digest to Slack needs Slack's own settings (it uses the same bot). */
export function checkDigestConfig(env: DigestEnv, report: Report): void {
  if (env.DIGEST_SLACK_CHANNEL && !slackConfigured(env)) {
    report(['DIGEST_SLACK_CHANNEL'], 'needs Slack on (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_REVIEW_CHANNEL)');
  }
}

/** Whether the digest has somewhere to go. */
export function digestEnabled(config: Pick<DigestEnv, 'DIGEST_EMAILS' | 'DIGEST_SLACK_CHANNEL'>): boolean {
  // Read like slackEnabled: a partial config (as in unit tests of the queue) means off.
  return Boolean(config.DIGEST_EMAILS?.length || config.DIGEST_SLACK_CHANNEL);
}
