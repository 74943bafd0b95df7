import type { OutboundChannel, OutboundMessageEntity } from './outbound-message.entity';

/**
 * temporary: the receiver did not take it and may later (retry with backoff) ·
 * permanent: retrying cannot help (the run fails with the reason).
 */
export type DeliveryFailureKind = 'temporary' | 'permanent';

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
 * Delivers one claimed outbox row over one channel. `send` resolves once the
 * receiver has taken the reply; the delivery service owns claiming, retries and bookkeeping.
 */
export interface ReplyTransport {
  readonly channel: OutboundChannel;
  send(message: OutboundMessageEntity): Promise<void>;
}

/** Every channel has exactly one transport: adding a channel to the union fails to compile until it has one. */
export type ReplyTransports = { [C in OutboundChannel]: ReplyTransport & { channel: C } };

export function failureKindOf(error: unknown): DeliveryFailureKind {
  return error instanceof ReplyDeliveryError ? error.kind : 'temporary';
}
