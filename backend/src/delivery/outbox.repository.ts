import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { OutboundMessageEntity, type OutboundKind } from './outbound-message.entity';
import { OUTBOUND_STATE_MACHINE, type OutboundStatus } from './outbound-status';

export type NewOutbound = Omit<
  OutboundMessageEntity,
  'attempts' | 'lastError' | 'claimedAt' | 'committedAt' | 'sentAt' | 'createdAt' | 'run' | 'status' | 'nextAttemptAt'
>;
type OutboundPatch = Partial<
  Pick<OutboundMessageEntity, 'attempts' | 'lastError' | 'claimedAt' | 'committedAt' | 'sentAt' | 'nextAttemptAt'>
>;

/**
 * Owns outbound_messages, the outbox: one row per run and kind. Status changes go
 * through `move`, which only takes the moves OUTBOUND_STATE_MACHINE lists.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  private messages(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(OutboundMessageEntity);
  }

  /** Adds a pending row unless the run already has one of this kind; returns the row's id and whether it is new. */
  async addOnce(tx: Tx, row: NewOutbound): Promise<{ id: string; created: boolean }> {
    const inserted = await this.messages(tx)
      .createQueryBuilder()
      .insert()
      .into(OutboundMessageEntity)
      .values({ ...row, status: 'pending', nextAttemptAt: new Date() })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (inserted.raw.length > 0) return { id: row.id, created: true };
    const existing = await this.messages(tx).findOneOrFail({ where: { runId: row.runId, kind: row.kind } });
    return { id: existing.id, created: false };
  }

  async runIdOf(tx: Tx, id: string): Promise<string | null> {
    return (await this.messages(tx).findOne({ where: { id }, select: { id: true, runId: true } }))?.runId ?? null;
  }

  get(id: string): Promise<OutboundMessageEntity> {
    return this.messages().findOneOrFail({ where: { id } });
  }

  /** The run's reply (not its holding reply), if one was requested. */
  replyOf(runId: string, tx?: Tx): Promise<OutboundMessageEntity | null> {
    return this.messages(tx).findOne({ where: { runId, kind: 'reply' satisfies OutboundKind } });
  }

  /** Locks the row for the transaction; null when another sender holds it (or it does not exist). */
  lockUnlessHeld(tx: Tx, id: string): Promise<OutboundMessageEntity | null> {
    return this.messages(tx)
      .createQueryBuilder('message')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('message.id = :id', { id })
      .getOne();
  }

  /** Locks the row for the transaction, waiting for another holder; null when it does not exist. */
  lock(tx: Tx, id: string): Promise<OutboundMessageEntity | null> {
    return this.messages(tx)
      .createQueryBuilder('message')
      .setLock('pessimistic_write')
      .where('message.id = :id', { id })
      .getOne();
  }

  /**
   * Moves the row to `to` if the state machine allows it from where it is; returns whether it moved.
   * With `attempt`, only while the row is still that claim's (a sender's fence against a later claim);
   * with `from`, only from that status (which the state machine must allow).
   */
  async move(
    tx: Tx,
    id: string,
    to: OutboundStatus,
    patch: OutboundPatch = {},
    attempt?: number,
    from?: OutboundStatus,
  ): Promise<boolean> {
    const sources = OUTBOUND_STATE_MACHINE.sourcesOf(to).filter((source) => from === undefined || source === from);
    const result = await this.messages(tx).update(
      { id, status: In(sources), ...(attempt === undefined ? {} : { attempts: attempt }) },
      { status: to, ...patch },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Commits the hand-over marker for claim `attempt`; false when the row is no longer that claim's
   * (another sender claimed it since), so the caller must not hand the message over. Returns the
   * marker's time (this process's clock, like `sent_at`, so their difference is the window).
   */
  async markHandedOver(id: string, attempt: number): Promise<Date | null> {
    const at = new Date();
    const result = await this.messages()
      .createQueryBuilder()
      .update(OutboundMessageEntity)
      .set({ committedAt: at })
      .where("id = :id AND status = 'sending' AND attempts = :attempt AND committed_at IS NULL", { id, attempt })
      .execute();
    return result.affected ? at : null;
  }

  /** Uncertain rows, newest hand-over first; `before` is the previous page's last `committedAt`. */
  listUncertain(limit: number, before?: string): Promise<OutboundMessageEntity[]> {
    const query = this.messages()
      .createQueryBuilder('message')
      .where('message.status = :status', { status: 'uncertain' satisfies OutboundStatus })
      .orderBy('message.committed_at', 'DESC', 'NULLS LAST')
      .addOrderBy('message.id', 'DESC')
      .limit(limit);
    if (before) query.andWhere('message.committed_at < :before', { before });
    return query.getMany();
  }

  async countUncertain(): Promise<number> {
    return this.messages().count({ where: { status: 'uncertain' } });
  }

  /** Our sent messages carrying any of these Message-IDs. */
  sentWithMessageIds(messageIds: string[]): Promise<OutboundMessageEntity[]> {
    return this.messages().find({ where: { messageId: In(messageIds), status: 'sent' } });
  }

  /**
   * Pending rows due for a while, and rows left `sending` for long (a sender died and Redis lost its
   * job too): their delivery job may have been lost. The job's deterministic id makes a re-add a no-op.
   */
  async pendingOverdue(graceSeconds: number, limit: number, stuckSendingSeconds = 900): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM outbound_messages
        WHERE (status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1))
           OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3))
        LIMIT $2`,
      [graceSeconds, limit, stuckSendingSeconds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Replies a person approved (not auto-sent) to earlier emails sharing words with this one, best match
   * first, for the drafting prompt's examples. Reads inbound_events and workflow_runs read-only.
   */
  similarApproved(words: string[], limit: number): Promise<{ question: string; reply: string }[]> {
    if (words.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `WITH q AS (SELECT websearch_to_tsquery('simple', $1) AS query)
       SELECT left(e.subject || E'\\n' || e.text_body, 600) AS question, left(o.body, 1500) AS reply
         FROM outbound_messages o
         JOIN workflow_runs r ON r.id = o.run_id
         JOIN inbound_events e ON e.id = r.event_id, q
        WHERE o.kind = 'reply' AND o.status = 'sent' AND o.approved_by <> 'auto'
          AND to_tsvector('simple', e.subject || ' ' || left(e.text_body, 2000)) @@ q.query
        ORDER BY ts_rank_cd(to_tsvector('simple', e.subject || ' ' || left(e.text_body, 2000)), q.query, 32) DESC,
                 o.created_at DESC
        LIMIT $2`,
      [words.join(' or '), limit],
    );
  }
}
