import { z } from 'zod';
import { AuthConfig, checkAuthConfig } from '../auth/auth.config';
import { CalibrationConfig } from '../calibration/calibration.config';
import { checkDeliveryConfig, DeliveryConfig } from '../delivery/delivery.config';
import { checkDigestConfig, DigestConfig } from '../digest/digest.config';
import { checkIngestConfig, IngestConfig } from '../ingest/ingest.config';
import { ObservabilityConfig } from '../observability/observability.config';
import { QueriesConfig } from '../queries/queries.config';
import { checkReviewsConfig, ReviewsConfig } from '../reviews/reviews.config';
import { checkSlackConfig, SlackConfig } from '../reviews/slack/slack.config';
import { checkWorkflowConfig, WorkflowConfig } from '../workflow/workflow.config';
import { checkKnowledgeConfig, KnowledgeConfig } from '../knowledge/knowledge.config';
import { checkModelsConfig, ModelsConfig } from '../models/models.config';
import { CoreConfig } from './core.config';
import type { Report } from './env';

export { DatabaseUrlSchema } from './core.config';
export { ReviewDeadlineSchema } from '../reviews/reviews.config';

/**
 * Every setting the service reads, validated once at boot: each module's slice in one
 * object, so one parse lists every problem at once. Documented in README and .env.example.
 */
export const EnvSchema = z
  .object({
    ...CoreConfig,
    ...AuthConfig,
    ...IngestConfig,
    ...WorkflowConfig,
    ...KnowledgeConfig,
    ...ReviewsConfig,
    ...CalibrationConfig,
    ...SlackConfig,
    ...DeliveryConfig,
    ...ObservabilityConfig,
    ...QueriesConfig,
    ...DigestConfig,
    ...ModelsConfig,
  })
  .superRefine((env, ctx) => {
    const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    checkAuthConfig(env, report);
    checkIngestConfig(env, report);
    checkSlackConfig(env, report);
    checkWorkflowConfig(env, report);
    checkKnowledgeConfig(env, report);
    checkReviewsConfig(env, report);
    checkDigestConfig(env, report);
    checkDeliveryConfig(env, report);
    checkModelsConfig(env, report);
  })
  .transform((env) => ({
    ...env,
    // The offline model is the default so the service runs with no network.
    LLM_PROVIDER: env.LLM_PROVIDER ?? (env.OPENAI_API_KEY ? 'openai' : 'local'),
  }));

export type AppConfig = z.output<typeof EnvSchema>;

/** Slack is on only with its three required settings; the schema refuses a partial set. */
export function slackEnabled(config: AppConfig): boolean {
  return Boolean(config.SLACK_BOT_TOKEN && config.SLACK_SIGNING_SECRET && config.SLACK_REVIEW_CHANNEL);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses settings from an environment map; throws ConfigError naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings mean "unset" so `.env` lines like `SMTP_URL=` behave as documented.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = EnvSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || 'env'}: ${issue.message}`));
  }
  return result.data;
}
