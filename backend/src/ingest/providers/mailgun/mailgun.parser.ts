import { InvalidInputError } from '../../../common/domain-errors';
import { z } from 'zod';
import type { ParsedEmail } from '../../parsed-email';
import type { FormData } from '../form-data';
import { addressList, emailFromFields, emailFromMime, keptHeaders } from '../provider-email';

const HeaderListSchema = z.array(z.tuple([z.string(), z.string()])).max(1000);

/**
 * Mailgun routes, forward() action (https://documentation.mailgun.com/docs/mailgun/user-manual/receive-forward-store/):
 * to a URL ending in "mime" the message comes as `body-mime`; otherwise as parsed fields
 * (`from`, `subject`, `body-plain`, `body-html`, `message-headers` JSON, `attachment-N` files).
 */
export async function parseMailgun(form: FormData): Promise<ParsedEmail> {
  const raw = form.bytes('body-mime');
  if (raw) return emailFromMime(raw);

  let pairs: [string, string][] = [];
  if (form.has('message-headers')) {
    try {
      pairs = HeaderListSchema.parse(JSON.parse(form.text('message-headers')!));
    } catch {
      throw new InvalidInputError('form field "message-headers" is not a JSON list of [name, value] pairs');
    }
  }
  const header = (name: string) => pairs.find(([key]) => key.toLowerCase() === name)?.[1];
  return emailFromFields({
    from: addressList(form.text('from'))[0],
    to: addressList(header('to') ?? form.text('recipient')),
    cc: addressList(header('cc')),
    subject: form.text('subject') ?? '',
    text: form.text('body-plain'),
    html: form.text('body-html'),
    headers: keptHeaders(pairs),
    attachments: form.files.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
  });
}
