import { Injectable, NotAcceptableException } from '@nestjs/common';
import { LessThan, type EntityManager } from 'typeorm';
import { EventsService, type IngestOptions, type IngestResult } from '../events/events.service';
import type { ParsedEmail } from '../events/parsed-email';
import { ReplayTokenEntity } from './replay-token.entity';

export interface AcceptOptions extends Pick<IngestOptions, 'replyChannel'> {
  /** The caller's idempotency key (e.g. webhook-id), namespaced by the channel. */
  key?: string;
  /** A one-time signature nonce: a second request carrying it is refused. */
  replayToken?: { value: string; keepUntil: Date };
}

/** 406, because Mailgun (the one sender of such tokens) stops retrying on it and retries on anything else. */
export class ReplayedRequestError extends NotAcceptableException {}

/** The one door for every inbound channel: replay refusal and namespaced keys, then the ordinary ingest. */
@Injectable()
export class InboundService {
  constructor(private readonly events: EventsService) {}

  async accept(email: ParsedEmail, channel: string, options: AcceptOptions = {}): Promise<IngestResult> {
    const { replayToken } = options;
    return this.events.ingestEmail(email, channel, options.key && `${channel}:${options.key}`, {
      replyChannel: options.replyChannel,
      inTransaction:
        replayToken &&
        ((manager) => this.spendToken(manager, `${channel}:${replayToken.value}`, replayToken.keepUntil)),
    });
  }

  /** Inside the event's transaction, so a request that fails later does not burn its token. */
  private async spendToken(manager: EntityManager, key: string, keepUntil: Date): Promise<void> {
    await manager.delete(ReplayTokenEntity, { expiresAt: LessThan(new Date()) });
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(ReplayTokenEntity)
      .values({ key, expiresAt: keepUntil })
      .orIgnore()
      .returning(['key'])
      .execute();
    if (inserted.raw.length === 0) throw new ReplayedRequestError('this signature token was already used');
  }
}
