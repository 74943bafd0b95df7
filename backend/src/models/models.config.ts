import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { csv, type Report } from '../config/env';
import { slackConfigured } from '../reviews/slack/slack.config';

const share = z.coerce.number().min(0).max(1);
const isCron = (pattern: string) => {
  if (pattern === 'off') return true;
  try {
    CronExpressionParser.parse(pattern);
    return true;
  } catch {
    return false;
  }
};

/**
 * The offline model's retraining pipeline (models/): its schedule, the evaluation gate and who hears the outcome.
 * The registry and hot swap are always on; retraining matters when LLM_PROVIDER=local.
 */
export const ModelsConfig = {
  /** When the scheduled retrain runs (cron, UTC); "off" disables the schedule (admins can still retrain). */
  MODEL_RETRAIN_CRON: z
    .string()
    .default('0 3 * * 1')
    .refine(isCron, { message: 'must be a cron pattern such as "0 3 * * 1", or off' }),
  /** A scheduled run does nothing until this many category labels arrived since the last pipeline started. */
  MODEL_RETRAIN_MIN_NEW_LABELS: z.coerce.number().int().min(0).default(50),
  /** The candidate's holdout macro-F1 must beat the active model's by at least this much. */
  MODEL_PROMOTION_MARGIN: share.default(0.01),
  /** No category's recall (holdout or shipped eval set) may fall by more than this. */
  MODEL_MAX_RECALL_DROP: share.default(0.05),
  /** The share of labelled runs, most recent first, held out for the gate. */
  MODEL_HOLDOUT_SHARE: z.coerce.number().gt(0).lt(1).default(0.2),
  /** Fewer holdout runs than this and no candidate is promoted. */
  MODEL_MIN_HOLDOUT: z.coerce.number().int().min(1).default(20),
  /** How many times each labelled run counts in training next to one shipped example. */
  MODEL_TRAFFIC_WEIGHT: z.coerce.number().int().min(1).max(20).default(3),
  /** Who gets the outcome of each pipeline by email (default: ADMIN_EMAIL). */
  MODEL_NOTIFY_EMAILS: csv.pipe(z.array(z.email({ message: 'must be comma-separated email addresses' }))).default([]),
  /** A Slack channel id for the outcome (needs Slack on). */
  MODEL_NOTIFY_SLACK_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,}$/, 'must be a channel id such as C0123456789')
    .optional(),
};

type ModelsEnv = z.output<ReturnType<typeof z.object<typeof ModelsConfig>>> & Parameters<typeof slackConfigured>[0];

export function checkModelsConfig(env: ModelsEnv, report: Report): void {
  if (env.MODEL_NOTIFY_SLACK_CHANNEL && !slackConfigured(env)) {
    report(
      ['MODEL_NOTIFY_SLACK_CHANNEL'],
      'needs Slack on (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_REVIEW_CHANNEL)',
    );
  }
}
