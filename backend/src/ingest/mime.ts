import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { EmailAddress } from '@handoff/contracts';
import { MAX_RECIPIENTS, checkMimeStructure } from './mime-structure';
import { KEPT_HEADERS, ParsedEmail, UnparseableEmailError, normaliseMessageId, parseMessageIds } from './parsed-email';

export { UnparseableEmailError };

function flattenAddresses(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((object) => object.value)
    .filter((entry) => entry.address)
    .map((entry) => ({ address: entry.address!, ...(entry.name ? { name: entry.name } : {}) }));
}

function keptHeaders(mail: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of mail.headerLines) {
    if ((KEPT_HEADERS as readonly string[]).includes(line.key) && headers[line.key] === undefined) {
      // headerLines hold "Name: value" as received; keep just the unfolded value.
      headers[line.key] = line.line
        .slice(line.line.indexOf(':') + 1)
        .replace(/\r?\n\s+/g, ' ')
        .trim();
    }
  }
  return headers;
}

/**
 * Parses raw RFC 5322 bytes. Throws UnparseableEmailError for malformed MIME, no usable sender or too many recipients.
 * Runs in a parse worker: channels call parseMimeSafely (ingest-safety), which also bounds the HTML.
 */
export async function parseMime(raw: Buffer): Promise<ParsedEmail> {
  checkMimeStructure(raw);
  let mail: ParsedMail;
  try {
    // HTML becomes text in ingest-safety (bounded and timed); mailparser's own conversion is not.
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipHtmlToText: true });
  } catch (error) {
    throw new UnparseableEmailError(`could not parse MIME: ${(error as Error).message}`);
  }
  const from = flattenAddresses(mail.from)[0];
  if (!from) throw new UnparseableEmailError('the message has no From address');
  const to = flattenAddresses(mail.to);
  const cc = flattenAddresses(mail.cc);
  if (to.length + cc.length > MAX_RECIPIENTS) throw new UnparseableEmailError(`more than ${MAX_RECIPIENTS} recipients`);
  if (/[\r\n]/.test(mail.subject ?? '')) throw new UnparseableEmailError('the subject contains a line break');
  // mailparser replaces undecodable bytes with U+FFFD; one that was not in the message means invalid input.
  if (/\uFFFD/.test(`${mail.text ?? ''}${typeof mail.html === 'string' ? mail.html : ''}`) && !raw.includes('\uFFFD')) {
    throw new UnparseableEmailError('the body is not valid in its declared charset');
  }
  return {
    messageId: normaliseMessageId(mail.messageId),
    from,
    to,
    cc,
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : undefined,
    inReplyTo: parseMessageIds(mail.inReplyTo)[0],
    references: parseMessageIds(mail.references),
    headers: keptHeaders(mail),
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? 'unnamed',
      contentType: attachment.contentType,
      size: attachment.size,
    })),
  };
}
