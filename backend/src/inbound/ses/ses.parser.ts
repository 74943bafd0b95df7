import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { parseOrBadRequest } from '../../common/validation';
import type { ParsedEmail } from '../../events/parsed-email';
import { emailFromMime } from '../provider-email';

/** An SES receipt-rule SNS action notification (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html). */
const SesNotificationSchema = z.object({
  notificationType: z.literal('Received'),
  mail: z.object({ messageId: z.string().min(1).max(200) }),
  receipt: z.object({ action: z.object({ type: z.string(), encoding: z.enum(['UTF8', 'BASE64']).optional() }) }),
  content: z.string().optional(),
});

/** Returns the email and SES's own message id (stable across SNS retries). */
export async function parseSesNotification(message: string): Promise<{ email: ParsedEmail; sesMessageId: string }> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new BadRequestException('the SNS Message is not an SES notification (not JSON)');
  }
  const notification = parseOrBadRequest(SesNotificationSchema, json, 'SES notification');
  if (notification.content === undefined) {
    throw new BadRequestException('the SES notification carries no content; use an SNS action, not S3');
  }
  const raw = Buffer.from(notification.content, notification.receipt.action.encoding === 'BASE64' ? 'base64' : 'utf8');
  return { email: await emailFromMime(raw), sesMessageId: notification.mail.messageId };
}
