/** Pure helpers for replying in-thread (RFC 5322 §3.6.4). */

/** The domain part of an address; our Message-IDs live on it. */
export function mailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** "Re: " once, however many reply prefixes (Re, RE, re[2], Aw, Sv) the original carried. */
export function replySubject(subject: string): string {
  const stripped = subject.replace(/^(\s*(re|aw|sv|antw)(\[\d+\])?\s*:\s*)+/i, '').trim();
  return `Re: ${stripped || '(no subject)'}`;
}

/** Our deterministic Message-ID for a run's reply: retries reuse it, so receivers can spot a repeat. */
export function replyMessageId(runId: string, domain: string): string {
  return `<reply-${runId}@${domain}>`;
}

/** The webhook-id of a run's callback reply: the same on every attempt, so the receiver can drop repeats. */
/** Our id for a run's Slack reply; Slack has no idempotency key, so it only names the outbox row. */
export function slackReplyId(runId: string): string {
  return `slack_reply_${runId}`;
}

export function callbackWebhookId(runId: string): string {
  return `msg_reply_${runId}`;
}

export interface ThreadingHeaders {
  inReplyTo: string | null;
  references: string[];
}

/** In-Reply-To is the original's Message-ID; References is its References plus its Message-ID. */
export function threadingHeaders(original: {
  messageId: string | null;
  references: string[];
  inReplyTo: string | null;
}): ThreadingHeaders {
  if (!original.messageId) return { inReplyTo: null, references: [] };
  // Some agents send only In-Reply-To; RFC 5322 says to use it as References then.
  const parents = original.references.length ? original.references : original.inReplyTo ? [original.inReplyTo] : [];
  const references = [...new Set([...parents, original.messageId])];
  return { inReplyTo: original.messageId, references };
}
