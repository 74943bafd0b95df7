import { z } from 'zod';
import { url, type Report } from '../config/env';

/** How replies leave: SMTP (or the development mail catcher when unset) and webhook callbacks. */
export const DeliveryConfig = {
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  DEV_MAIL_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
  MAIL_FROM: z.string().email().default('support@handoff.localhost'),
  MAIL_FROM_NAME: z.string().default('Support'),
  /** Bound on one callback POST (connect to last byte); a timeout is retried like a 5xx. */
  CALLBACK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * The IMAP folder where the mail server files every message it accepts from us (e.g. "Sent"), read with
   * IMAP_URL/IMAP_USER/IMAP_PASSWORD: an uncertain reply is settled by searching it for the reply's Message-ID.
   */
  IMAP_SENT_FOLDER: z.string().min(1).optional(),
};

export function checkDeliveryConfig(env: { IMAP_SENT_FOLDER?: string; IMAP_URL?: string }, report: Report): void {
  if (env.IMAP_SENT_FOLDER && !env.IMAP_URL) {
    report(['IMAP_SENT_FOLDER'], 'IMAP_SENT_FOLDER needs IMAP_URL, IMAP_USER and IMAP_PASSWORD to search it');
  }
}
