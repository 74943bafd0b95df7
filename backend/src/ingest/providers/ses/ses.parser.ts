import { InvalidInputError } from '../../../common/domain-errors';
import { z } from 'zod';
import { parseOrBadRequest } from '../../../common/validation';
import type { ParsedEmail } from '../../parsed-email';
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
    throw new InvalidInputError('the SNS Message is not an SES notification (not JSON)');
  }
  const notification = parseOrBadRequest(SesNotificationSchema, json, 'SES notification');
  if (notification.content === undefined) {
    // An S3 action only points at an object in a bucket; reading buckets would need AWS credentials we do not hold.
    const action = notification.receipt.action.type;
    throw new InvalidInputError(
      `this SES notification comes from a receipt rule's ${action} action and carries no message content; ` +
        'Handoff needs an SNS action (encoding UTF-8 or Base64), which publishes the whole message as "content". ' +
        'Nothing was stored.',
    );
  }
  const raw = Buffer.from(notification.content, notification.receipt.action.encoding === 'BASE64' ? 'base64' : 'utf8');
  return { email: await emailFromMime(raw), sesMessageId: notification.mail.messageId };
}
