import { z } from 'zod';
import { parseOrBadRequest } from '../../../common/validation';
import type { ParsedEmail } from '../../parsed-email';
import { emailFromFields, keptHeaders } from '../provider-email';

const PostmarkAddress = z.object({ Email: z.string(), Name: z.string().optional() });
const toAddress = ({ Email, Name }: z.infer<typeof PostmarkAddress>) => ({
  address: Email,
  ...(Name ? { name: Name } : {}),
});

/** The fields of Postmark's inbound webhook we read (https://postmarkapp.com/developer/webhooks/inbound-webhook). */
const PostmarkInboundSchema = z.object({
  FromFull: PostmarkAddress.optional(),
  ToFull: z.array(PostmarkAddress).max(1000).default([]),
  CcFull: z.array(PostmarkAddress).max(1000).default([]),
  Subject: z.string().default(''),
  TextBody: z.string().optional(),
  HtmlBody: z.string().optional(),
  Headers: z
    .array(z.object({ Name: z.string(), Value: z.string() }))
    .max(1000)
    .default([]),
  Attachments: z
    .array(z.object({ Name: z.string(), ContentType: z.string(), Content: z.string().default('') }))
    .max(1000)
    .default([]),
});

/** Postmark's own `MessageID` is its id, not the RFC one: that is in `Headers`. */
export function parsePostmark(body: unknown): Promise<ParsedEmail> {
  const inbound = parseOrBadRequest(PostmarkInboundSchema, body, 'Postmark inbound message');
  return emailFromFields({
    from: inbound.FromFull && toAddress(inbound.FromFull),
    to: inbound.ToFull.map(toAddress),
    cc: inbound.CcFull.map(toAddress),
    subject: inbound.Subject,
    text: inbound.TextBody || undefined,
    html: inbound.HtmlBody || undefined,
    headers: keptHeaders(inbound.Headers.map(({ Name, Value }) => [Name, Value])),
    // The decoded size, not the declared ContentLength: the size cap must hold for what was sent.
    attachments: inbound.Attachments.map((attachment) => ({
      filename: attachment.Name.slice(0, 255),
      contentType: attachment.ContentType.slice(0, 255),
      size: Buffer.byteLength(attachment.Content, 'base64'),
    })),
  });
}
