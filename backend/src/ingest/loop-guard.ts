import type { ParsedEmail } from './parsed-email';

/**
 * Why an inbound message must never be answered, or null when it may be.
 * Answering these would start mail loops or reply to machines (RFC 3834).
 */
export function reasonToIgnore(email: ParsedEmail, ownDomain: string, ownAddress: string): string | null {
  const header = (name: string) => email.headers[name]?.trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header('precedence');
  if (precedence && ['bulk', 'list', 'junk'].includes(precedence)) return `Precedence: ${precedence}`;
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined) return 'X-Autoreply header present';
  const contentType = header('content-type') ?? '';
  if (contentType.startsWith('multipart/report') && /report-type="?delivery-status/.test(contentType)) {
    return 'delivery status report';
  }
  if (email.messageId?.toLowerCase().endsWith(`@${ownDomain.toLowerCase()}>`)) return 'our own outgoing message';
  if (email.from.address.toLowerCase() === ownAddress.toLowerCase()) return 'sent from our own address';
  return null;
}
