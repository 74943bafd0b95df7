import { z } from 'zod';
import { json, url, type Report } from '../../config/env';

/** Slack conversation ids: public/private channels (C…/G…); names are ambiguous and can be renamed. */
const slackChannel = /^[CG][A-Z0-9]{6,}$/;
const SLACK_CORE = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_REVIEW_CHANNEL'] as const;
const SLACK_OPTIONAL = ['SLACK_API_URL', 'SLACK_ESCALATION_CHANNEL'] as const;

/** Slack: off while SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_REVIEW_CHANNEL are all unset. */
export const SlackConfig = {
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token (xoxb-…)')
    .optional(),
  SLACK_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SLACK_REVIEW_CHANNEL: z.string().regex(slackChannel, 'must be a channel id such as C0123456789').optional(),
  SLACK_API_URL: url(['http', 'https']).optional(),
  /** Category → channel id; categories not listed go to SLACK_REVIEW_CHANNEL. */
  SLACK_CATEGORY_CHANNELS: json(z.record(z.string(), z.string().regex(slackChannel, 'must be channel ids'))).default(
    {},
  ),
  SLACK_ESCALATION_CHANNEL: z.string().regex(slackChannel, 'must be a channel id such as C0123456789').optional(),
};

type SlackEnv = z.output<ReturnType<typeof z.object<typeof SlackConfig>>>;

/** Whether all three required Slack settings are set (the check below refuses a partial set). */
export function slackConfigured(env: Pick<SlackEnv, (typeof SLACK_CORE)[number]>): boolean {
  return SLACK_CORE.every((key) => env[key] !== undefined);
}

export const SLACK_REQUIRED = SLACK_CORE.join(', ');

/** Slack is on only with all three required settings. */
export function checkSlackConfig(env: SlackEnv, report: Report): void {
  const slackSet = SLACK_CORE.filter((key) => env[key] !== undefined);
  const slackTouched =
    slackSet.length > 0 ||
    SLACK_OPTIONAL.some((key) => env[key] !== undefined) ||
    Object.keys(env.SLACK_CATEGORY_CHANNELS).length > 0;
  if (slackTouched && slackSet.length < SLACK_CORE.length) {
    for (const key of SLACK_CORE.filter((key) => env[key] === undefined)) {
      report([key], `Slack needs ${SLACK_REQUIRED} together`);
    }
  }
}
