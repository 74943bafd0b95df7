import { InvalidInputError } from '../common/domain-errors';
import type { EmailAddress } from '@handoff/contracts';
import type { ParsedEmail } from '../ingest/parsed-email';

/** PostgreSQL text and jsonb refuse NUL; jsonb also refuses unpaired UTF-16 surrogates (\ud800 alone). */
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const CONTROL_OR_LONE_SURROGATE =
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Free text as PostgreSQL can store it: NUL removed, unpaired surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\ufffd');
}

/** True for identifiers no well-formed message carries: control characters or broken Unicode. */
export const hasInvalidCharacters = (value: string) => CONTROL_OR_LONE_SURROGATE.test(value);

/** Column widths of the identifiers we store (inbound_events). */
const MAX_MESSAGE_ID = 998;
const MAX_ADDRESS = 320;

function identifier(value: string, what: string, maxLength: number): string {
  if (hasInvalidCharacters(value))
    throw new InvalidInputError(`${what} contains a control character or invalid Unicode`);
  if (value.length > maxLength) throw new InvalidInputError(`${what} is longer than ${maxLength} characters`);
  return value;
}

function address({ address, name }: EmailAddress, what: string): EmailAddress {
  return {
    address: identifier(address, `${what} address`, MAX_ADDRESS),
    ...(name === undefined ? {} : { name: storableText(name) }),
  };
}

const threadingId = (value: string) => !hasInvalidCharacters(value) && value.length <= MAX_MESSAGE_ID;

/**
 * The one check every channel's email passes before it is stored. Bodies, subject, display names,
 * header values and attachment metadata have NUL removed and broken Unicode replaced (friendlier than
 * refusing a message for a stray byte); the Message-ID and addresses identify the message and its
 * sender, so one carrying such characters is refused with 400 (550 over SMTP). References and
 * In-Reply-To only thread: a bad entry there is dropped.
 */
export function storableEmail(email: ParsedEmail): ParsedEmail {
  const inReplyTo = email.inReplyTo !== undefined && threadingId(email.inReplyTo) ? email.inReplyTo : undefined;
  return {
    ...email,
    messageId: email.messageId === undefined ? undefined : identifier(email.messageId, 'Message-ID', MAX_MESSAGE_ID),
    from: address(email.from, 'From'),
    to: email.to.map((entry) => address(entry, 'To')),
    cc: email.cc.map((entry) => address(entry, 'Cc')),
    subject: storableText(email.subject),
    text: storableText(email.text),
    html: email.html === undefined ? undefined : storableText(email.html),
    inReplyTo,
    references: email.references.filter(threadingId),
    headers: Object.fromEntries(Object.entries(email.headers).map(([name, value]) => [name, storableText(value)])),
    attachments: email.attachments.map((attachment) => ({
      ...attachment,
      filename: storableText(attachment.filename),
      contentType: storableText(attachment.contentType),
    })),
  };
}

/** A caller's idempotency key is an identifier too. */
export function checkedCallerKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : identifier(key, 'the idempotency key', 400);
}
