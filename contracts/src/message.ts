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
  /** Our replies only: who approved it (a reviewer, the API key, or `auto`); shown to reviewers, never to the model. */
  approvedBy: z.string().optional(),
});
export type ThreadEntry = z.infer<typeof ThreadEntrySchema>;
