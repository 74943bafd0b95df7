import { z } from 'zod';
import { csv, json, url, type Report } from '../config/env';
import { SLACK_REQUIRED, slackConfigured } from '../reviews/slack/slack.config';
import { WebhookSourcesSchema, type WebhookSource } from './webhooks/webhook-sources';

/** Inbound channels: each is off while its settings are unset. */
export const IngestConfig = {
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Raw RFC 5322 messages (every channel that receives MIME) larger than this are refused with 413 / 552. */
  MAX_MIME_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Worker threads that parse MIME and convert HTML, so no message can block the event loop. */
  INGEST_PARSE_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  /** Time budget of one parse; past it the worker is terminated and the message refused (MIME) or kept as text (HTML). */
  INGEST_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  WEBHOOK_SOURCES: json(WebhookSourcesSchema).default({}),
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
};

export function checkIngestConfig(
  env: {
    POSTMARK_INBOUND_USER?: string;
    POSTMARK_INBOUND_PASSWORD?: string;
    IMAP_URL?: string;
    IMAP_USER?: string;
    IMAP_PASSWORD?: string;
    WEBHOOK_SOURCES: Record<string, WebhookSource>;
  } & Parameters<typeof slackConfigured>[0],
  report: Report,
): void {
  if ((env.POSTMARK_INBOUND_USER === undefined) !== (env.POSTMARK_INBOUND_PASSWORD === undefined)) {
    report(['POSTMARK_INBOUND_PASSWORD'], 'set both POSTMARK_INBOUND_USER and _PASSWORD, or neither');
  }
  if (env.IMAP_URL && !(env.IMAP_USER && env.IMAP_PASSWORD)) {
    report(['IMAP_USER'], 'IMAP_USER and IMAP_PASSWORD are required with IMAP_URL');
  }
  if (!slackConfigured(env)) {
    for (const [name, source] of Object.entries(env.WEBHOOK_SOURCES)) {
      if (source.reply.channel === 'slack') {
        report(['WEBHOOK_SOURCES', name, 'reply'], `replies to Slack, which needs ${SLACK_REQUIRED}`);
      }
    }
  }
}
