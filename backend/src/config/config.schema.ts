import { z } from 'zod';
import { createTriagePolicy, DeadlineActionSchema, DEFAULT_TAXONOMY, TaxonomySchema } from '@handoff/graphs';
import { WebhookSourcesSchema } from '../ingest/webhooks/webhook-sources';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((value, ctx) => {
    try {
      return schema.parse(JSON.parse(value)) as z.output<T>;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `must be JSON matching the documented shape (${(error as Error).message.split('\n')[0]})`,
      });
      return z.NEVER;
    }
  });

const url = (protocols: string[]) =>
  z.url().refine((value) => protocols.some((protocol) => value.startsWith(`${protocol}:`)), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });

/** Slack conversation ids: public/private channels (C…/G…); names are ambiguous and can be renamed. */
const slackChannel = /^[CG][A-Z0-9]{6,}$/;

export const DatabaseUrlSchema = url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/handoff');

/** One category's review deadline; unset fields fall back to REVIEW_DUE_MINUTES and friends. */
export const ReviewDeadlineSchema = z
  .object({
    dueMinutes: z.number().int().positive().optional(),
    /** 0 sends no reminder. */
    reminderMinutesBefore: z.number().int().min(0).optional(),
    action: DeadlineActionSchema.optional(),
  })
  .strict();

/** Every setting the service reads, validated once at boot. Documented in README and .env.example. */
export const EnvSchema = z
  .object({
    APP_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: DatabaseUrlSchema,
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('handoff'),
    ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters'),
    SMTP_URL: url(['smtp', 'smtps']).optional(),
    DEV_MAIL_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
    MAIL_FROM: z.string().email().default('support@handoff.localhost'),
    MAIL_FROM_NAME: z.string().default('Support'),
    LLM_PROVIDER: z.enum(['local', 'openai']).optional(),
    OPENAI_BASE_URL: url(['http', 'https']).optional(),
    OPENAI_API_KEY: z.string().min(1).optional(),
    LLM_MODEL: z.string().default('gpt-4o-mini'),
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    LLM_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(0).default(500),
    LLM_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(5),
    LLM_BREAKER_HALF_OPEN_MS: z.coerce.number().int().positive().default(30_000),
    LLM_OUTAGE_REVIEW_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(15 * 60_000),
    LLM_MAX_CONCURRENCY: z.coerce.number().int().positive().default(8),
    AUTO_SEND_THRESHOLDS: json(z.record(z.string(), z.number().min(0).max(1))).default({}),
    DEFAULT_AUTO_SEND_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
    ALWAYS_REVIEW_CATEGORIES: csv.default(['legal', 'security', 'complaint']),
    TAXONOMY: json(TaxonomySchema).default(DEFAULT_TAXONOMY),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(4),
    SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
    REVIEW_DUE_MINUTES: z.coerce
      .number()
      .int()
      .positive()
      .default(24 * 60),
    /** How long before the due time the reminder goes out; 0 sends none. */
    REVIEW_REMINDER_MINUTES_BEFORE: z.coerce.number().int().min(0).default(60),
    REVIEW_DEADLINE_ACTION: DeadlineActionSchema.default('escalate'),
    /** Per-category overrides keyed by taxonomy category, e.g. {"legal":{"dueMinutes":240,"action":"escalate"}}. */
    REVIEW_DEADLINES: json(z.record(z.string(), ReviewDeadlineSchema)).default({}),
    /** The text the `holding_reply` deadline action sends. */
    REVIEW_HOLDING_REPLY: z
      .string()
      .min(1)
      .default('Thank you for your message. We are looking into it and will get back to you as soon as we can.'),
    /** Checkpoints of runs that ended (sent, rejected, ignored, timed out) are deleted after this many hours. */
    CHECKPOINT_RETENTION_HOURS: z.coerce
      .number()
      .positive()
      .default(7 * 24),
    /** Failed runs can be replayed from their checkpoint, so theirs are kept longer. */
    FAILED_CHECKPOINT_RETENTION_HOURS: z.coerce
      .number()
      .positive()
      .default(30 * 24),
    RETENTION_INTERVAL_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(60 * 60_000),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    // Standard OpenTelemetry variables; tracing is off unless an exporter or endpoint is set.
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https']).optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http', 'https']).optional(),
    OTEL_SERVICE_NAME: z.string().min(1).optional(),
    REVIEW_CLAIM_MINUTES: z.coerce.number().int().positive().default(15),
    /** The first admin account, created at startup when no admin exists yet. */
    ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
    /** Where reviewers open the UI: the allowed Origin of cookie-authenticated writes; https makes the cookie Secure. */
    PUBLIC_UI_URL: url(['http', 'https']).default('http://127.0.0.1:3001'),
    SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
    // Inbound channels: each is off while its settings are unset.
    WEBHOOK_SOURCES: json(WebhookSourcesSchema).default({}),
    /** Bound on one callback POST (connect to last byte); a timeout is retried like a 5xx. */
    CALLBACK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    SENDGRID_INBOUND_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    MAILGUN_SIGNING_KEY: z.string().min(1).optional(),
    POSTMARK_INBOUND_USER: z.string().min(1).optional(),
    POSTMARK_INBOUND_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
    SES_TOPIC_ARNS: csv
      .pipe(z.array(z.string().regex(/^arn:aws[a-z-]*:sns:/, 'must be SNS topic ARNs')).min(1))
      .optional(),
    IMAP_URL: url(['imap', 'imaps']).optional(),
    IMAP_USER: z.string().min(1).optional(),
    IMAP_PASSWORD: z.string().min(1).optional(),
    IMAP_FOLDER: z.string().min(1).default('INBOX'),
    IMAP_PROCESSED_FOLDER: z.string().min(1).optional(),
    IMAP_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    SMTP_LISTENER_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    SMTP_LISTENER_HOST: z.string().default('127.0.0.1'),
    MAX_ATTACHMENT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    MAX_ATTACHMENTS: z.coerce.number().int().positive().default(50),
    // Slack: off while SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_REVIEW_CHANNEL are all unset.
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
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      const missing = env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
    }
    if ((env.POSTMARK_INBOUND_USER === undefined) !== (env.POSTMARK_INBOUND_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['POSTMARK_INBOUND_PASSWORD'],
        message: 'set both POSTMARK_INBOUND_USER and _PASSWORD, or neither',
      });
    }
    if (env.IMAP_URL && !(env.IMAP_USER && env.IMAP_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['IMAP_USER'],
        message: 'IMAP_USER and IMAP_PASSWORD are required with IMAP_URL',
      });
    }
    const slackCore = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_REVIEW_CHANNEL'] as const;
    const slackOptional = ['SLACK_API_URL', 'SLACK_ESCALATION_CHANNEL'] as const;
    const slackSet = slackCore.filter((key) => env[key] !== undefined);
    const slackTouched =
      slackSet.length > 0 ||
      slackOptional.some((key) => env[key] !== undefined) ||
      Object.keys(env.SLACK_CATEGORY_CHANNELS).length > 0;
    if (slackTouched && slackSet.length < slackCore.length) {
      for (const key of slackCore.filter((key) => env[key] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `Slack needs ${slackCore.join(', ')} together` });
      }
    }
    if (slackSet.length < slackCore.length) {
      for (const [name, source] of Object.entries(env.WEBHOOK_SOURCES)) {
        if (source.reply.channel === 'slack') {
          ctx.addIssue({
            code: 'custom',
            path: ['WEBHOOK_SOURCES', name, 'reply'],
            message: `replies to Slack, which needs ${slackCore.join(', ')}`,
          });
        }
      }
    }
    if (env.LLM_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when LLM_PROVIDER=openai' });
    }
    const categories = new Set(env.TAXONOMY.map((category) => category.key));
    for (const category of Object.keys(env.REVIEW_DEADLINES)) {
      if (category !== 'default' && !categories.has(category))
        ctx.addIssue({ code: 'custom', path: ['REVIEW_DEADLINES'], message: `"${category}": not a taxonomy category` });
    }
    // The policy checks that thresholds and always-review name categories of the taxonomy.
    try {
      createTriagePolicy({
        taxonomy: env.TAXONOMY,
        thresholds: env.AUTO_SEND_THRESHOLDS,
        defaultThreshold: env.DEFAULT_AUTO_SEND_THRESHOLD,
        alwaysReview: env.ALWAYS_REVIEW_CATEGORIES,
      });
    } catch (error) {
      const issues =
        error instanceof z.ZodError ? error.issues : [{ path: [] as PropertyKey[], message: (error as Error).message }];
      for (const issue of issues) {
        const [field, at] = issue.path;
        const setting = field === 'alwaysReview' ? 'ALWAYS_REVIEW_CATEGORIES' : 'AUTO_SEND_THRESHOLDS';
        // Name the offending category, not its position in the list.
        const value = field === 'alwaysReview' ? env.ALWAYS_REVIEW_CATEGORIES[Number(at)] : at;
        ctx.addIssue({ code: 'custom', path: [setting], message: `"${String(value)}": ${issue.message}` });
      }
    }
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
