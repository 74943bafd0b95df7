import type { OutboundChannel, OutboundMessageEntity } from './outbound-message.entity';

/**
 * temporary: the receiver did not take it and may later (retry with backoff) ·
 * permanent: retrying cannot help (the run fails with the reason) ·
 * unknown: the message was handed over and no answer came back (the connection dropped after SMTP's
 * final "."), so the receiver may hold it: the row is uncertain, never blindly resent.
 */
export type DeliveryFailureKind = 'temporary' | 'permanent' | 'unknown';

/** What a transport throws when a send did not succeed; anything else thrown counts as temporary. */
export class ReplyDeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: DeliveryFailureKind,
  ) {
    super(message);
  }
}

/**
 * Commits the row's hand-over marker. A transport awaits it right before the step after which
 * the receiver may hold the message, and does not take that step if it throws (the row is no
 * longer this sender's, or PostgreSQL did not take the marker).
 */
export type HandOver = () => Promise<void>;

/**
 * Delivers one claimed outbox row over one channel. `send` resolves once the receiver has
 * taken the reply; the delivery service owns claiming, retries and bookkeeping.
 */
export interface ReplyTransport {
  readonly channel: OutboundChannel;
  send(message: OutboundMessageEntity, handOver: HandOver): Promise<void>;
}

/** Every channel has exactly one transport: adding a channel to the union fails to compile until it has one. */
export type ReplyTransports = { [C in OutboundChannel]: ReplyTransport & { channel: C } };

export function failureKindOf(error: unknown): DeliveryFailureKind {
  return error instanceof ReplyDeliveryError ? error.kind : 'temporary';
}
