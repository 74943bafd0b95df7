import { AttachmentMetaSchema, EmailAddressSchema, ThreadEntrySchema } from '@handoff/contracts';
import { z } from 'zod';

/**
 * The message a workflow works on: what the backend hands the graph after
 * parsing an inbound email. Bodies are data for the model, never instructions.
 */
export const InboundMessageSchema = z.object({
  /** Our event id; stable across retries. */
  eventId: z.string(),
  /** RFC 5322 Message-ID including angle brackets, when the sender set one. */
  messageId: z.string().optional(),
  from: EmailAddressSchema,
  to: z.array(EmailAddressSchema),
  cc: z.array(EmailAddressSchema).default([]),
  subject: z.string(),
  /** Plain-text body (derived from HTML when the mail had no text part). */
  text: z.string(),
  receivedAt: z.string(),
  attachments: z.array(AttachmentMetaSchema).default([]),
  thread: z.array(ThreadEntrySchema).default([]),
});
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
