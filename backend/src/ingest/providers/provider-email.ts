import { InvalidInputError } from '../../common/domain-errors';
import addressparser from 'nodemailer/lib/addressparser';
import type { EmailAddress } from '@handoff/contracts';
import { parseOrBadRequest } from '../../common/validation';
import { EmailJsonSchema, emailFromJson, type EmailJson } from '../email-json.dto';
import { UnparseableEmailError } from '../mime';
import { parseMimeSafely } from '../../ingest-safety/ingest-parsers';
import { KEPT_HEADERS, type ParsedEmail } from '../parsed-email';

/** Parses an RFC 5322 address list ("Jane <jane@x>, bob@y") the way mail clients write them. */
export function addressList(value: string | undefined): EmailAddress[] {
  if (!value) return [];
  return addressparser(value, { flatten: true }).map((entry) => ({
    address: entry.address ?? '',
    ...(entry.name ? { name: entry.name } : {}),
  }));
}

/** Unfolds a raw header block into [name, value] pairs, names lower-cased. */
export function headerPairs(block: string): [string, string][] {
  return block
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line.includes(':'))
    .map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]);
}

/** The headers we keep (first occurrence wins); the rest never reach validation or storage. */
export function keptHeaders(pairs: Iterable<[string, string]>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if ((KEPT_HEADERS as readonly string[]).includes(lower) && kept[lower] === undefined) kept[lower] = value;
  }
  return kept;
}

/**
 * Provider fields → the same validation as our JSON route, so every channel refuses the same
 * things (no valid sender, no body, CR/LF in the subject, too many recipients).
 */
export function emailFromFields(
  fields: Omit<EmailJson, 'from'> & { from: EmailAddress | undefined },
): Promise<ParsedEmail> {
  if (!fields.from?.address) throw new InvalidInputError('the message has no From address');
  return emailFromJson(parseOrBadRequest(EmailJsonSchema, fields, 'email'));
}

/** Raw MIME from a provider; unparseable or sender-less mail is the sender's problem (400). */
export async function emailFromMime(raw: Buffer): Promise<ParsedEmail> {
  try {
    return await parseMimeSafely(raw);
  } catch (error) {
    if (error instanceof UnparseableEmailError) throw new InvalidInputError(error.message);
    throw error;
  }
}
