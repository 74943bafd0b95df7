/**
 * Every setting of the README's "Configuration" table, and where the renderer puts it.
 * A test compares this list with the table both ways, so a new setting cannot be
 * forgotten here (or a removed one linger).
 */

/** How a values entry becomes an environment string: JSON settings may be written as YAML maps/lists, csv ones as lists. */
export type SettingFormat = 'text' | 'json' | 'csv';

/** Which processes read the setting: the backend (api, worker, migration) or the review UI. */
export type SettingReader = 'backend' | 'review-ui';

interface SettingBase {
  name: string;
  readers: readonly SettingReader[];
}

/** Set under `config:` in values, rendered into the ConfigMap of each reader. */
export interface PlainSetting extends SettingBase {
  kind: 'config';
  format: SettingFormat;
}

/** Set under `secrets.values:` (or in an existing Secret), rendered only into the Secret. */
export interface SecretSetting extends SettingBase {
  kind: 'secret';
  format: SettingFormat;
}

/**
 * Derived from structured values because Services, probes or the Deployment's role must agree with it;
 * `from` names the values path (or the rule) it comes from.
 */
export interface WiredSetting extends SettingBase {
  kind: 'wired';
  from: string;
}

export type Setting = PlainSetting | SecretSetting | WiredSetting;

const backend = ['backend'] as const;
const ui = ['review-ui'] as const;

const plain = (name: string, format: SettingFormat = 'text', readers: readonly SettingReader[] = backend): Setting => ({
  name,
  kind: 'config',
  format,
  readers,
});
const secret = (name: string, format: SettingFormat = 'text'): Setting => ({
  name,
  kind: 'secret',
  format,
  readers: backend,
});
const wired = (name: string, from: string, readers: readonly SettingReader[] = backend): Setting => ({
  name,
  kind: 'wired',
  from,
  readers,
});

export const SETTINGS: readonly Setting[] = [
  wired('APP_ROLE', 'the Deployment: api or worker'),
  plain('HOST'),
  wired('PORT', 'api.port'),
  // URLs that may carry a user and password are secrets.
  secret('DATABASE_URL'),
  secret('REDIS_URL'),
  plain('DATABASE_POOL_SIZE'),
  plain('CHECKPOINT_POOL_SIZE'),
  plain('REDIS_PREFIX'),
  secret('ADMIN_API_KEY'),
  secret('SMTP_URL'),
  plain('DEV_MAIL_CATCHER_PORT'),
  plain('MAIL_FROM'),
  plain('MAIL_FROM_NAME'),
  plain('LLM_PROVIDER'),
  plain('OPENAI_BASE_URL'),
  secret('OPENAI_API_KEY'),
  plain('LLM_MODEL'),
  plain('EMBEDDINGS_MODEL'),
  plain('LLM_TIMEOUT_MS'),
  plain('LLM_MAX_ATTEMPTS'),
  plain('LLM_RETRY_INITIAL_DELAY_MS'),
  plain('LLM_BREAKER_THRESHOLD'),
  plain('LLM_BREAKER_HALF_OPEN_MS'),
  plain('LLM_OUTAGE_REVIEW_AFTER_MS'),
  plain('LLM_MAX_CONCURRENCY'),
  plain('AUTO_SEND_THRESHOLDS', 'json'),
  plain('DEFAULT_AUTO_SEND_THRESHOLD'),
  plain('ALWAYS_REVIEW_CATEGORIES', 'csv'),
  plain('TAXONOMY', 'json'),
  plain('AUTO_SEND_MODE'),
  plain('AUTO_SEND_TARGET_PRECISION'),
  plain('AUTO_SEND_MIN_EVIDENCE'),
  plain('CALIBRATION_INTERVAL_MS'),
  plain('AUTO_SEND_AUDIT_RATE'),
  plain('FOLLOW_UP_POLICY', 'json'),
  plain('MAX_BODY_BYTES'),
  plain('MAX_MIME_BYTES'),
  plain('BODY_READ_TIMEOUT_MS'),
  plain('TRUST_PROXY', 'csv'),
  plain('INGEST_PARSE_WORKERS'),
  plain('INGEST_PARSE_TIMEOUT_MS'),
  plain('INGEST_RATE_LIMIT_PER_MINUTE'),
  plain('WORKER_CONCURRENCY'),
  plain('RUN_LEASE_MS'),
  plain('SWEEP_INTERVAL_MS'),
  plain('REVIEW_DUE_MINUTES'),
  plain('REVIEW_REMINDER_MINUTES_BEFORE'),
  plain('REVIEW_DEADLINE_ACTION'),
  plain('REVIEW_DEADLINES', 'json'),
  plain('REVIEW_HOLDING_REPLY'),
  plain('CHECKPOINT_RETENTION_HOURS'),
  plain('FAILED_CHECKPOINT_RETENTION_HOURS'),
  plain('RETENTION_INTERVAL_MS'),
  plain('REVIEW_CLAIM_MINUTES'),
  plain('ADMIN_EMAIL'),
  secret('ADMIN_PASSWORD'),
  plain('PUBLIC_UI_URL', 'text', ['backend', 'review-ui']),
  plain('SESSION_TTL_HOURS'),
  plain('SESSION_RECHECK_MS'),
  plain('SIGNIN_MAX_FAILURES_PER_ACCOUNT'),
  plain('SIGNIN_MAX_FAILURES_PER_CLIENT'),
  plain('SIGNIN_FAILURE_WINDOW_SECONDS'),
  plain('SIGNIN_LOCK_SECONDS'),
  plain('SIGNIN_MAX_LOCK_SECONDS'),
  // Holds the webhook signing secrets and callback secrets.
  secret('WEBHOOK_SOURCES', 'json'),
  plain('CALLBACK_TIMEOUT_MS'),
  secret('SENDGRID_INBOUND_SECRET'),
  secret('MAILGUN_SIGNING_KEY'),
  plain('POSTMARK_INBOUND_USER'),
  secret('POSTMARK_INBOUND_PASSWORD'),
  plain('SES_TOPIC_ARNS', 'csv'),
  secret('IMAP_URL'),
  plain('IMAP_USER'),
  secret('IMAP_PASSWORD'),
  plain('IMAP_FOLDER'),
  plain('IMAP_PROCESSED_FOLDER'),
  plain('IMAP_POLL_INTERVAL_MS'),
  plain('IMAP_SENT_FOLDER'),
  plain('SMTP_LISTENER_PORT'),
  plain('SMTP_LISTENER_HOST'),
  plain('MAX_ATTACHMENT_BYTES'),
  plain('MAX_ATTACHMENTS'),
  secret('SLACK_BOT_TOKEN'),
  secret('SLACK_SIGNING_SECRET'),
  plain('SLACK_REVIEW_CHANNEL'),
  plain('SLACK_CATEGORY_CHANNELS', 'json'),
  plain('SLACK_ESCALATION_CHANNEL'),
  plain('SLACK_API_URL'),
  plain('DIGEST_CRON'),
  plain('DIGEST_TIMEZONE'),
  plain('DIGEST_EMAILS', 'csv'),
  plain('DIGEST_SLACK_CHANNEL'),
  plain('MODEL_RETRAIN_CRON'),
  plain('MODEL_RETRAIN_MIN_NEW_LABELS'),
  plain('MODEL_PROMOTION_MARGIN'),
  plain('MODEL_MAX_RECALL_DROP'),
  plain('MODEL_HOLDOUT_SHARE'),
  plain('MODEL_MIN_HOLDOUT'),
  plain('MODEL_TRAFFIC_WEIGHT'),
  plain('MODEL_NOTIFY_EMAILS', 'csv'),
  plain('MODEL_NOTIFY_SLACK_CHANNEL'),
  plain('LLM_PRICE_INPUT_PER_MTOK'),
  plain('LLM_PRICE_OUTPUT_PER_MTOK'),
  wired('REVIEW_UI_PORT', 'reviewUi.port', ui),
  wired('API_URL', 'the api Service (http://<name>-api:<api.port>)', ui),
  plain('LOG_LEVEL'),
  secret('METRICS_TOKEN'),
  wired('METRICS_PORT', 'worker.metricsPort'),
  plain('OTEL_EXPORTER_OTLP_ENDPOINT'),
  plain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'),
  plain('OTEL_TRACES_EXPORTER'),
  plain('OTEL_SERVICE_NAME'),
];

export const settingNamed = (name: string): Setting | undefined => SETTINGS.find((setting) => setting.name === name);

/** Values accepted for one setting: a string, a number or boolean (stringified), or for json/csv ones a map or list. */
export type SettingValue = string | number | boolean | readonly unknown[] | Record<string, unknown>;

/** The environment string for a setting's value; throws with the setting's name when the shape does not fit. */
export function toEnvString(setting: PlainSetting | SecretSetting, value: SettingValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (setting.format === 'json') return JSON.stringify(value);
  if (setting.format === 'csv' && Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.join(',');
  }
  const expected = setting.format === 'csv' ? 'a string or a list of strings' : 'a string, number or boolean';
  throw new Error(`${setting.name}: must be ${expected}`);
}
