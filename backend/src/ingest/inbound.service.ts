import { Injectable } from '@nestjs/common';
import { NotAcceptableError } from '../common/domain-errors';
import { EventsService, type IngestOptions, type IngestResult } from './events.service';
import type { ParsedEmail } from './parsed-email';
import { ReplayTokenRepository } from './replay-token.repository';

export interface AcceptOptions extends Pick<IngestOptions, 'replyChannel' | 'webhookId'> {
  /** The caller's idempotency key (e.g. webhook-id), namespaced by the channel. */
  key?: string;
  /** A one-time signature nonce: a second request carrying it is refused. */
  replayToken?: { value: string; keepUntil: Date };
}

/** 406, because Mailgun (the one sender of such tokens) stops retrying on it and retries on anything else. */
export class ReplayedRequestError extends NotAcceptableError {}

/** The one door for every inbound channel: replay refusal and namespaced keys, then the ordinary ingest. */
@Injectable()
export class InboundService {
  constructor(
    private readonly events: EventsService,
    private readonly replayTokens: ReplayTokenRepository,
  ) {}

  async accept(email: ParsedEmail, channel: string, options: AcceptOptions = {}): Promise<IngestResult> {
    const { replayToken } = options;
    return this.events.ingestEmail(email, channel, options.key && `${channel}:${options.key}`, {
      replyChannel: options.replyChannel,
      webhookId: options.webhookId,
      // Inside the event's transaction, so a request that fails later does not burn its token.
      inTransaction:
        replayToken &&
        (async (tx) => {
          const fresh = await this.replayTokens.spend(tx, `${channel}:${replayToken.value}`, replayToken.keepUntil);
          if (!fresh) throw new ReplayedRequestError('this signature token was already used');
        }),
    });
  }
}
