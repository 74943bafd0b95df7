import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueueItem, QueuePage, QueueQuery } from '@handoff/graphs/contracts';
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
  sort_key: string;
}

/** Positional SQL parameters: `add` returns the placeholder for a value. */
class Params {
  constructor(readonly values: unknown[] = []) {}

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** The review queue: filters, free-text search, keyset pagination and counts, all on review_tasks. */
@Injectable()
export class ReviewQueueService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: QueueQuery): Promise<QueuePage> {
    const params = new Params();
    // Category is left out of the counts' filter so the UI can show every category's count.
    const shared = this.filters(query, params);
    const [items, byCategory] = await Promise.all([
      this.page(query, shared, params),
      this.countByCategory(shared, params.values),
    ]);
    const total = query.category
      ? (byCategory[query.category] ?? 0)
      : Object.values(byCategory).reduce((sum, count) => sum + count, 0);
    return { ...items, counts: { total, byCategory } };
  }

  private filters(query: QueueQuery, params: Params): string[] {
    const where = [`t.status = ${params.add(query.status)}`];
    if (query.escalated) where.push(`t.escalated_at IS ${query.escalated === 'true' ? 'NOT ' : ''}NULL`);
    if (query.channel) where.push(`t.channel = ${params.add(query.channel)}`);
    if (query.assignee === 'unassigned') {
      // claimed_until is set and cleared with claimed_by; testing it alone keeps counts index-only.
      where.push('(t.claimed_until IS NULL OR t.claimed_until <= now())');
    } else if (query.assignee) {
      if (!CURSOR_PART.uuid.test(query.assignee))
        throw new BadRequestException('assignee must be a reviewer id or "unassigned"');
      where.push(`t.claimed_by = ${params.add(query.assignee)} AND t.claimed_until > now()`);
    }
    // Same expression as the pg_trgm index ix_review_tasks_search.
    if (query.q) where.push(`(t.subject || ' ' || t.from_address) ILIKE ${params.add(`%${escapeLike(query.q)}%`)}`);
    return where;
  }

  private async page(query: QueueQuery, shared: string[], sharedParams: Params) {
    const params = new Params([...sharedParams.values]);
    const where = [...shared];
    if (query.category) where.push(`t.category = ${params.add(query.category)}`);
    const column = SORT_COLUMNS[query.sort];
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    if (query.cursor) {
      const [sort, order, key, id] = decodeCursor(query.cursor, isCursor);
      if (sort !== query.sort || order !== query.order) {
        throw new BadRequestException('cursor belongs to another sort order; start again without it');
      }
      const cast = query.sort === 'confidence' ? 'double precision' : 'timestamptz';
      where.push(
        `(${column}, t.id) ${query.order === 'asc' ? '>' : '<'} (${params.add(key)}::${cast}, ${params.add(id)}::uuid)`,
      );
    }
    // The sort key goes into the cursor as text: Postgres keeps microseconds that a JS Date would lose.
    const rows: QueueRow[] = await this.dataSource.query(
      `SELECT t.id, t.run_id, t.status, t.round, t.from_address, t.subject, t.category, t.channel, t.confidence,
              t.created_at, t.due_at, t.escalated_at, ${column}::text AS sort_key, ${CLAIM_SELECT}
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

  private async countByCategory(where: string[], values: unknown[]): Promise<Record<string, number>> {
    const rows: { category: string; count: number }[] = await this.dataSource.query(
      `SELECT t.category, count(*)::int AS count FROM review_tasks t WHERE ${where.join(' AND ')} GROUP BY t.category`,
      values,
    );
    return Object.fromEntries(rows.map((row) => [row.category, row.count]));
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
    claim: claimOf(row),
  };
}
