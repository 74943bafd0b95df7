import { InvalidInputError } from '../../../common/domain-errors';
import { z } from 'zod';
import type { ParsedEmail } from '../../parsed-email';
import type { FormData } from '../form-data';
import { addressList, emailFromFields, emailFromMime, headerPairs, keptHeaders } from '../provider-email';

const CharsetsSchema = z.record(z.string(), z.string().max(40));

/**
 * SendGrid Inbound Parse (https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook):
 * with "POST the raw, full MIME message" the message is the `email` field; otherwise parsed fields
 * (`from`, `to`, `subject`, `text`, `html`, `headers`, `attachmentN` files), each in the charset named in `charsets`.
 */
export async function parseSendGrid(form: FormData): Promise<ParsedEmail> {
  const raw = form.bytes('email');
  if (raw) return emailFromMime(raw);

  let charsets: Record<string, string> = {};
  if (form.has('charsets')) {
    try {
      charsets = CharsetsSchema.parse(JSON.parse(form.text('charsets')!));
    } catch {
      throw new InvalidInputError('form field "charsets" is not a JSON object of charset names');
    }
  }
  const field = (name: string) => form.text(name, charsets[name] ?? 'utf-8');
  const headers = keptHeaders(headerPairs(field('headers') ?? ''));
  return emailFromFields({
    from: addressList(field('from'))[0],
    to: addressList(field('to')),
    cc: addressList(field('cc')),
    subject: field('subject') ?? '',
    text: field('text'),
    html: field('html'),
    headers,
    attachments: form.files.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
  });
}
