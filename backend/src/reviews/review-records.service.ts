import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { DecisionRecord, ReviewDetail } from '@handoff/contracts';
import { AuditLogEntity } from '../audit/audit-log.entity';
import { CURSOR_PART, decodeCursor, encodeCursor } from '../common/cursor';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { InboundEventEntity } from '../events/inbound-event.entity';
import { WorkflowRunEntity } from '../runs/workflow-run.entity';
import { sanitizeEmailHtml } from './email-html';
import { CLAIM_JOIN, CLAIM_SELECT, claimOf, type ClaimRow } from './claim-row';
import { ReviewDecisionEntity } from './review-decision.entity';
import { ReviewTaskEntity } from './review-task.entity';

type HistoryCursor = [decidedAt: string, id: string];
const isHistoryCursor = (value: unknown[]): value is HistoryCursor =>
  value.length === 2 &&
  typeof value[0] === 'string' &&
  CURSOR_PART.timestamp.test(value[0]) &&
  typeof value[1] === 'string' &&
  CURSOR_PART.uuid.test(value[1]);

const toDecisionRecord = ({ task: _task, taskId: _taskId, ...decision }: ReviewDecisionEntity): DecisionRecord => ({
  ...decision,
  decidedAt: decision.decidedAt.toISOString(),
});

interface HistoryRow extends Omit<DecisionRecord, 'decidedAt'> {
  decidedAt: Date;
  sortKey: string;
  reviewId: string;
  runId: string;
  subject: string;
  from: string;
  category: string;
  replyStatus: string | null;
  replySentAt: Date | null;
  replyBody: string | null;
}

/** What reviewers read: one review in full, its audit trail, and the history of decisions. */
@Injectable()
export class ReviewRecordsService {
  constructor(private readonly dataSource: DataSource) {}

  async get(reviewId: string): Promise<ReviewDetail> {
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    if (!task) throw new NotFoundException(`review ${reviewId} not found`);
    const run = await this.dataSource.getRepository(WorkflowRunEntity).findOneOrFail({ where: { id: task.runId } });
    const [event, decisions, reply, [claimRow]] = await Promise.all([
      this.dataSource.getRepository(InboundEventEntity).findOneOrFail({ where: { id: run.eventId } }),
      this.dataSource.getRepository(ReviewDecisionEntity).find({ where: { taskId: task.id }, order: { round: 'ASC' } }),
      this.dataSource.getRepository(OutboundMessageEntity).findOne({ where: { runId: run.id, kind: 'reply' } }),
      this.dataSource.query(`SELECT ${CLAIM_SELECT} FROM review_tasks t ${CLAIM_JOIN} WHERE t.id = $1`, [
        reviewId,
      ]) as Promise<ClaimRow[]>,
    ]);
    return {
      id: task.id,
      runId: task.runId,
      status: task.status,
      round: task.round,
      dueAt: task.dueAt.toISOString(),
      createdAt: task.createdAt.toISOString(),
      claim: claimRow ? claimOf(claimRow) : null,
      request: task.request,
      message: {
        from: { address: event.fromAddress, name: event.fromName },
        to: event.to,
        cc: event.cc,
        subject: event.subject,
        text: event.textBody,
        untrustedHtml: event.htmlBody,
        sanitizedHtml: event.htmlBody === null ? null : sanitizeEmailHtml(event.htmlBody),
        messageId: event.messageId,
        receivedAt: event.receivedAt.toISOString(),
        attachments: event.attachments,
        thread: await this.thread(event),
      },
      decisions: decisions.map(toDecisionRecord),
      reply: reply
        ? {
            status: reply.status,
            messageId: reply.messageId,
            sentAt: reply.sentAt?.toISOString() ?? null,
            body: reply.body,
          }
        : null,
    };
  }

  /** Earlier messages of the conversation we hold: the ones this email's References name, oldest first. */
  private async thread(event: InboundEventEntity): Promise<ReviewDetail['message']['thread']> {
    const ids = [...new Set([...event.references, ...(event.inReplyTo ? [event.inReplyTo] : [])])];
    if (ids.length === 0) return [];
    const [inbound, outbound] = await Promise.all([
      this.dataSource.getRepository(InboundEventEntity).find({ where: { messageId: In(ids) } }),
      this.dataSource.getRepository(OutboundMessageEntity).find({ where: { messageId: In(ids), status: 'sent' } }),
    ]);
    return [
      ...inbound
        .filter((earlier) => earlier.id !== event.id)
        .map((earlier) => ({
          direction: 'inbound' as const,
          from: earlier.fromAddress,
          at: earlier.receivedAt.toISOString(),
          text: earlier.textBody,
        })),
      ...outbound.map((sent) => ({
        direction: 'outbound' as const,
        from: sent.approvedBy,
        at: (sent.sentAt ?? sent.createdAt).toISOString(),
        text: sent.body,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
  }

  /** The review's trail with its event's, run's and reply's entries, oldest first. */
  async audit(reviewId: string) {
    const [ids] = (await this.dataSource.query(
      `SELECT t.id AS review, r.id AS run, r.event_id AS event, o.id AS outbound
       FROM review_tasks t JOIN workflow_runs r ON r.id = t.run_id LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
       WHERE t.id = $1`,
      [reviewId],
    )) as { review: string; run: string; event: string; outbound: string | null }[];
    if (!ids) throw new NotFoundException(`review ${reviewId} not found`);
    const entries: AuditLogEntity[] = await this.dataSource.query(
      `SELECT at, actor, action, entity_type AS "entityType", data FROM audit_log
       WHERE (entity_type, entity_id) IN (('review', $1::uuid), ('run', $2::uuid), ('event', $3::uuid), ('outbound', $4::uuid))
       ORDER BY at, id`,
      [ids.review, ids.run, ids.event, ids.outbound],
    );
    return { items: entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })) };
  }

  /** Decisions, newest first, with the review they belong to and the reply that went out. */
  async history(limit: number, cursor?: string) {
    const params: unknown[] = [limit + 1];
    let after = '';
    if (cursor) {
      const [decidedAt, id] = decodeCursor(cursor, isHistoryCursor);
      params.push(decidedAt, id);
      after = 'WHERE (d.decided_at, d.id) < ($2::timestamptz, $3::uuid)';
    }
    // The sort key goes into the cursor as text: Postgres keeps microseconds that a JS Date would lose.
    const rows: HistoryRow[] = await this.dataSource.query(
      `SELECT d.id, d.round, d.actor, d.surface, d.action, d.draft_text AS "draftText", d.final_text AS "finalText",
              d.diff, d.reason, d.feedback, d.decided_at AS "decidedAt", d.decided_at::text AS "sortKey",
              t.id AS "reviewId", t.run_id AS "runId", t.subject, t.from_address AS "from", t.category,
              o.status AS "replyStatus", o.sent_at AS "replySentAt", o.body AS "replyBody"
       FROM review_decisions d JOIN review_tasks t ON t.id = d.task_id
       LEFT JOIN outbound_messages o ON o.run_id = t.run_id AND o.kind = 'reply'
       ${after} ORDER BY d.decided_at DESC, d.id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ reviewId, runId, subject, from, category, replyStatus, replySentAt, replyBody, ...d }) => ({
        reviewId,
        runId,
        subject,
        from,
        category,
        decision: {
          id: d.id,
          round: d.round,
          actor: d.actor,
          surface: d.surface,
          action: d.action,
          draftText: d.draftText,
          finalText: d.finalText,
          diff: d.diff,
          reason: d.reason,
          feedback: d.feedback,
          decidedAt: d.decidedAt.toISOString(),
        },
        // Only a decision that sent something (approve or edit) carries the reply.
        reply:
          replyStatus && d.finalText
            ? { status: replyStatus, sentAt: replySentAt?.toISOString() ?? null, body: replyBody ?? '' }
            : null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.sortKey, last.id]) : null,
    };
  }
}
