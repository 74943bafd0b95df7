import type { AttachmentMeta, EmailAddress } from '@handoff/contracts';

/** The message cannot be accepted as sent; the reason is for the sender. */
export class UnparseableEmailError extends Error {}

/** An inbound email after parsing, whatever shape it arrived in. */
export interface ParsedEmail {
  messageId?: string;
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  text: string;
  html?: string;
  inReplyTo?: string;
  references: string[];
  /** Lower-case header names; only the headers threading and loop prevention read. */
  headers: Record<string, string>;
  attachments: AttachmentMeta[];
}

/** Headers we keep with the event. Bodies and everything else stay out of this map. */
export const KEPT_HEADERS = [
  'message-id',
  'in-reply-to',
  'references',
  'date',
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'list-id',
  'content-type',
  'return-path',
] as const;

/** Splits a References / In-Reply-To value into its <ids>. */
export function parseMessageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  return text.match(/<[^<>\s]+>/g) ?? [];
}

/** Normalises a Message-ID to its bracketed form, or undefined when it is not one. */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  return /^<[^<>\s]+@[^<>\s]+>$/.test(bracketed) ? bracketed : undefined;
}
