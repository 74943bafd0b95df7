import { z } from 'zod';
import { url } from '../config/env';

/** How replies leave: SMTP (or the development mail catcher when unset) and webhook callbacks. */
export const DeliveryConfig = {
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  DEV_MAIL_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
  MAIL_FROM: z.string().email().default('support@handoff.localhost'),
  MAIL_FROM_NAME: z.string().default('Support'),
  /** Bound on one callback POST (connect to last byte); a timeout is retried like a 5xx. */
  CALLBACK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
};
