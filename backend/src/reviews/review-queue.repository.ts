import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/domain-errors';
import { DataSource } from 'typeorm';
import type { QueueItem, QueuePage, QueueQuery } from '@handoff/contracts';
import { CURSOR_PART, decodeCursor, encodeCursor } from '../common/cursor';
import { CLAIM_JOIN, CLAIM_SELECT, claimOf, type ClaimRow } from './claim-row';

/** Each sort is backed by an index on (status, column, id); id breaks ties so pages never overlap. */
const SORT_COLUMNS = { due: 't.due_at', age: 't.created_at', confidence: 't.confidence' } as const;
type Cursor = [sort: QueueQuery['sort'], order: QueueQuery['order'], key: string, id: string];
const isCursor = (value: unknown[]): value is Cursor => {
  const [sort, order, key, id] = value;
  if (value.length !== 4 || typeof key !== 'string' || typeof id !== 'string') return false;
  if (typeof sort !== 'string' || !Object.hasOwn(SORT_COLUMNS, sort)) return false;
  const keyShape = sort === 'confidence' ? CURSOR_PART.number : CURSOR_PART.timestamp;
  return (order === 'asc' || order === 'desc') && keyShape.test(key) && CURSOR_PART.uuid.test(id);
};

interface QueueRow extends ClaimRow {
  id: string;
  run_id: string;
  status: QueueItem['status'];
  round: number;
  from_address: string;
  subject: string;
  category: string;
  channel: string;
  confidence: number;
  created_at: Date;
  due_at: Date;
  escalated_at: Date | null;
  audit_sample: boolean;
  sort_key: string;
}

/** WHERE clauses and their positional SQL parameters: `add` returns the placeholder for a value. */
class Params {
  readonly values: unknown[] = [];
  readonly where: string[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

type Facet = 'category' | 'channel' | 'assignee';
type Counts = Record<string, number>;

/** Who holds a review now: a reviewer id, or null when unclaimed or the claim expired. */
const ASSIGNEE_KEY = 'CASE WHEN t.claimed_until > now() THEN t.claimed_by::text END';
/** `byAssignee` names the unclaimed "unassigned" (reviewer ids are UUIDs, so it cannot collide). */
const unassignedKey = ({ null: unassigned, ...held }: Counts): Counts =>
  unassigned === undefined ? held : { unassigned, ...held };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Reads review_tasks for the queue: filters, free-text search, keyset pagination and counts, all on review_tasks. */
@Injectable()
export class ReviewQueueRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: QueueQuery): Promise<QueuePage> {
    // Checked before any query starts, so a bad value fails the request and leaves nothing running.
    if (query.assignee && query.assignee !== 'unassigned' && !CURSOR_PART.uuid.test(query.assignee))
      throw new InvalidInputError('assignee must be a reviewer id or "unassigned"');
    // Each facet's counts leave that facet's own filter out, so the UI can show what every choice would give.
    const [items, categories, channels, assignees] = await Promise.all([
      this.page(query),
      this.countBy('t.category', this.filters(query, 'category')),
      this.countBy('t.channel', this.filters(query, 'channel')),
      this.countBy(ASSIGNEE_KEY, this.filters(query, 'assignee')).then(unassignedKey),
    ]);
    const total = query.category
      ? (categories[query.category] ?? 0)
      : Object.values(categories).reduce((sum, count) => sum + count, 0);
    return { ...items, counts: { total, byCategory: categories, byChannel: channels, byAssignee: assignees } };
  }

  /** The WHERE clauses of the query, leaving out the facet whose counts they are for. */
  private filters(query: QueueQuery, omit?: Facet): Params {
    const params = new Params();
    const where = params.where;
    where.push(`t.status = ${params.add(query.status)}`);
    if (query.escalated) where.push(`t.escalated_at IS ${query.escalated === 'true' ? 'NOT ' : ''}NULL`);
    if (query.category && omit !== 'category') where.push(`t.category = ${params.add(query.category)}`);
    if (query.channel && omit !== 'channel') where.push(`t.channel = ${params.add(query.channel)}`);
    if (query.assignee === 'unassigned' && omit !== 'assignee') {
      // claimed_until is set and cleared with claimed_by; testing it alone keeps counts index-only.
      where.push('(t.claimed_until IS NULL OR t.claimed_until <= now())');
    } else if (query.assignee && omit !== 'assignee') {
      where.push(`t.claimed_by = ${params.add(query.assignee)} AND t.claimed_until > now()`);
    }
    // Same expression as the pg_trgm index ix_review_tasks_search.
    if (query.q) where.push(`(t.subject || ' ' || t.from_address) ILIKE ${params.add(`%${escapeLike(query.q)}%`)}`);
    return params;
  }

  private async page(query: QueueQuery) {
    const params = this.filters(query);
    const where = params.where;
    const column = SORT_COLUMNS[query.sort];
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    if (query.cursor) {
      const [sort, order, key, id] = decodeCursor(query.cursor, isCursor);
      if (sort !== query.sort || order !== query.order) {
        throw new InvalidInputError('cursor belongs to another sort order; start again without it');
      }
      const cast = query.sort === 'confidence' ? 'double precision' : 'timestamptz';
      where.push(
        `(${column}, t.id) ${query.order === 'asc' ? '>' : '<'} (${params.add(key)}::${cast}, ${params.add(id)}::uuid)`,
      );
    }
    // The sort key goes into the cursor as text: Postgres keeps microseconds that a JS Date would lose.
    const rows: QueueRow[] = await this.dataSource.query(
      `SELECT t.id, t.run_id, t.status, t.round, t.from_address, t.subject, t.category, t.channel, t.confidence,
              t.created_at, t.due_at, t.escalated_at, ${column}::text AS sort_key,
              COALESCE((t.request->>'auditSample')::boolean, false) AS audit_sample, ${CLAIM_SELECT}
       FROM review_tasks t ${CLAIM_JOIN}
       WHERE ${where.join(' AND ')}
       ORDER BY ${column} ${direction}, t.id ${direction}
       LIMIT ${params.add(query.limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toQueueItem),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor([query.sort, query.order, last.sort_key, last.id]) : null,
    };
  }

  private async countBy(column: string, params: Params): Promise<Record<string, number>> {
    const rows: { key: string; count: number }[] = await this.dataSource.query(
      `SELECT ${column} AS key, count(*)::int AS count FROM review_tasks t
        WHERE ${params.where.join(' AND ')} GROUP BY ${column}`,
      params.values,
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.count]));
  }
}

function toQueueItem(row: QueueRow): QueueItem {
  return {
    id: row.id,
    runId: row.run_id,
    status: row.status,
    round: row.round,
    from: row.from_address,
    subject: row.subject,
    category: row.category,
    channel: row.channel,
    confidence: row.confidence,
    createdAt: row.created_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    auditSample: row.audit_sample,
    claim: claimOf(row),
  };
}
