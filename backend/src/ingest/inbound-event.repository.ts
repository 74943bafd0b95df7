import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { InboundEventEntity } from './inbound-event.entity';

export type NewEvent = Omit<InboundEventEntity, 'receivedAt'>;

const WEBHOOK_SOURCE_PREFIX = 'webhook:';

/** Run statuses whose run may still answer its conversation (see workflow/run-status.ts). */
const OPEN_RUN_STATUSES = ['queued', 'running', 'awaiting_review', 'sending'];

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

  /**
   * Takes the lock of the run's conversation for the rest of the transaction, so that a follow-up's decision
   * and a delivery's last check of the same conversation happen one after the other. Nothing when the run's
   * message belongs to no conversation. Taken before any row lock, always.
   */
  async lockConversationOfRun(tx: Tx, runId: string): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('conversation ' || e.conversation_key, 0))
         FROM workflow_runs r JOIN inbound_events e ON e.id = r.event_id
        WHERE r.id = $1 AND e.conversation_key IS NOT NULL`,
      [runId],
    );
  }

  /** The still-open runs of earlier messages in this run's conversation, oldest first. */
  async openEarlierRuns(tx: Tx, runId: string): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT er.id FROM workflow_runs r
         JOIN inbound_events e ON e.id = r.event_id
         JOIN inbound_events ee ON ee.conversation_key = e.conversation_key
                               AND (ee.received_at, ee.id) < (e.received_at, e.id)
         JOIN workflow_runs er ON er.event_id = ee.id
        WHERE r.id = $1 AND er.status = ANY($2)
        ORDER BY ee.received_at, ee.id`,
      [runId, OPEN_RUN_STATUSES],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The newest message of the run's conversation that arrived after the run's own and still asks for an
   * answer: not ignored (by the loop guard or as a follow-up), not waiting its turn (follow-up policy queue),
   * not failed (it answers nothing). Null when the run's own message is still the latest.
   */
  async newerMessageOfRun(tx: Tx, runId: string): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `SELECT ne.id FROM workflow_runs r
         JOIN inbound_events e ON e.id = r.event_id
         JOIN inbound_events ne ON ne.conversation_key = e.conversation_key
                               AND (ne.received_at, ne.id) > (e.received_at, e.id)
         JOIN workflow_runs nr ON nr.event_id = ne.id
        WHERE r.id = $1 AND nr.status NOT IN ('ignored', 'failed')
          AND nr.follow_up IS DISTINCT FROM 'queue' AND nr.follow_up IS DISTINCT FROM 'ignore'
        ORDER BY ne.received_at DESC, ne.id DESC LIMIT 1`,
      [runId],
    );
    return rows[0]?.id ?? null;
  }

  /** Events carrying any of these Message-IDs. */
  withMessageIds(messageIds: string[]): Promise<InboundEventEntity[]> {
    return this.events().find({ where: { messageId: In(messageIds) } });
  }
}
