import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { InboundEventEntity } from './inbound-event.entity';

export type NewEvent = Omit<InboundEventEntity, 'receivedAt'>;

const WEBHOOK_SOURCE_PREFIX = 'webhook:';

/** The `source` a Standard Webhooks sender's events are stored under. */
export const webhookSource = (name: string) => `${WEBHOOK_SOURCE_PREFIX}${name}`;
/** The sender name of a webhook event's `source`. */
export const webhookSourceName = (source: string) => source.slice(WEBHOOK_SOURCE_PREFIX.length);

/** Owns inbound_events: each stored exactly once per idempotency key. */
@Injectable()
export class InboundEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  private events(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(InboundEventEntity);
  }

  /** Inserts the event unless its idempotency key is taken; returns whether it was new. */
  async insertOnce(tx: Tx, event: NewEvent): Promise<boolean> {
    const inserted = await this.events(tx)
      .createQueryBuilder()
      .insert()
      .into(InboundEventEntity)
      .values(event)
      .orIgnore()
      .returning(['id'])
      .execute();
    return inserted.raw.length > 0;
  }

  getByIdempotencyKey(tx: Tx, idempotencyKey: string): Promise<InboundEventEntity> {
    return this.events(tx).findOneOrFail({ where: { idempotencyKey } });
  }

  get(eventId: string, tx?: Tx): Promise<InboundEventEntity> {
    return this.events(tx).findOneOrFail({ where: { id: eventId } });
  }

  /** Events carrying any of these Message-IDs. */
  withMessageIds(messageIds: string[]): Promise<InboundEventEntity[]> {
    return this.events().find({ where: { messageId: In(messageIds) } });
  }
}
