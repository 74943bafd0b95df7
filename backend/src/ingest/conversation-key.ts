/**
 * The conversation a message belongs to, as one string: the sender's address (lower-cased) and the first
 * Message-ID of its thread: References' first entry (RFC 5322 lists them from the thread's start), else
 * In-Reply-To, else the message's own Message-ID. So a customer's first email, their "any update?" that
 * replies to it, and their answer to our reply all share one key. The sender is part of the key because
 * anyone can name any Message-ID: a stranger's mail must never close someone else's review. Null when the
 * message names no Message-ID at all (it cannot be matched to a conversation).
 */
export function conversationKey(email: {
  fromAddress: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
}): string | null {
  const root = email.references[0] ?? email.inReplyTo ?? email.messageId;
  return root ? `${email.fromAddress.trim().toLowerCase()} ${root}` : null;
}
