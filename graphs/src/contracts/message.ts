import { z } from 'zod';

export const EmailAddressSchema = z.object({
  address: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'not an email address'),
  name: z.string().trim().max(200).optional(),
});
export type EmailAddress = z.infer<typeof EmailAddressSchema>;

export const AttachmentMetaSchema = z.object({
  filename: z.string().max(255),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export type AttachmentMeta = z.infer<typeof AttachmentMetaSchema>;

/** One earlier message of the same conversation, oldest first. */
export const ThreadEntrySchema = z.object({
  direction: z.enum(['inbound', 'outbound']),
  from: z.string(),
  at: z.string(),
  text: z.string(),
});
export type ThreadEntry = z.infer<typeof ThreadEntrySchema>;

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
