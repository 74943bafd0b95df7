import { z } from 'zod';
import { AttachmentMetaSchema, EmailAddressSchema } from '@handoff/contracts';
import { boundedHtml } from '../ingest-safety/ingest-parsers';
import { KEPT_HEADERS, ParsedEmail, normaliseMessageId, parseMessageIds } from './parsed-email';

const address = z
  .union([z.string().transform((value) => ({ address: value.trim() })), EmailAddressSchema])
  .pipe(EmailAddressSchema);
const addresses = z.union([address.transform((one) => [one]), z.array(address).max(100)]);

/** Our own JSON shape for POST /api/v1/events/email. */
export const EmailJsonSchema = z
  .object({
    messageId: z.string().max(998).optional(),
    from: address,
    to: addresses.default([]),
    cc: addresses.default([]),
    subject: z.string().max(998).default(''),
    text: z.string().max(1_000_000).optional(),
    html: z.string().max(2_000_000).optional(),
    inReplyTo: z.string().max(998).optional(),
    references: z.union([z.string(), z.array(z.string())]).optional(),
    headers: z.record(z.string(), z.string().max(4_000)).default({}),
    attachments: z.array(AttachmentMetaSchema).max(100).default([]),
  })
  .refine((email) => email.text !== undefined || email.html !== undefined, {
    message: 'text or html is required',
    path: ['text'],
  })
  .refine((email) => !/[\r\n]/.test(email.subject), { message: 'must not contain line breaks', path: ['subject'] });
export type EmailJson = z.input<typeof EmailJsonSchema>;

/** Maps the validated JSON body to a ParsedEmail; the HTML is bounded and converted off the event loop. */
export async function emailFromJson(body: z.output<typeof EmailJsonSchema>): Promise<ParsedEmail> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(body.headers)) {
    const lower = name.toLowerCase();
    if ((KEPT_HEADERS as readonly string[]).includes(lower)) headers[lower] = value;
  }
  const messageId = normaliseMessageId(body.messageId ?? headers['message-id']);
  const inReplyTo = parseMessageIds(body.inReplyTo ?? headers['in-reply-to'])[0];
  const html = body.html === undefined ? undefined : await boundedHtml(body.html, body.text === undefined);
  return {
    messageId,
    from: body.from,
    to: body.to,
    cc: body.cc,
    subject: body.subject,
    text: body.text ?? html?.text ?? '',
    html: html?.html,
    inReplyTo,
    references: parseMessageIds(body.references ?? headers['references']),
    headers,
    attachments: body.attachments,
  };
}
