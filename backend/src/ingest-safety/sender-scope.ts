import { createHash } from 'node:crypto';

/** ASCII-only lower case, the same in JavaScript and in SQL (translate), whatever the database locale. */
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/**
 * A Message-ID as only its sender can repeat it: sha256 of the sender's address and the id. Fixed
 * length, so a 998-character Message-ID still fits the idempotency key. The migration
 * SenderScopedMessageIds computes the same value in SQL for events stored before.
 */
export function senderScopedMessageId(senderAddress: string, messageId: string): string {
  return createHash('sha256')
    .update(`${asciiLower(senderAddress)}\n${messageId}`)
    .digest('hex');
}
