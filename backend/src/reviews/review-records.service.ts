import { Inject, Injectable } from '@nestjs/common';
import type { DecisionRecord, ReviewDetail } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { CURSOR_PART, decodeCursor, encodeCursor } from '../common/cursor';
import { NotFoundError } from '../common/domain-errors';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxRepository } from '../delivery/outbox.repository';
import { claimOf } from './claim-row';
import { sanitizeEmailHtml } from './email-html';
import { REVIEW_MESSAGES, type ReviewMessages } from './ports';
import type { ReviewDecisionEntity } from './review-decision.entity';
import { ReviewRepository } from './review.repository';

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

/** What reviewers read: one review in full, its audit trail, and the history of decisions. */
@Injectable()
export class ReviewRecordsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly reviews: ReviewRepository,
    private readonly outbox: OutboxRepository,
    @Inject(REVIEW_MESSAGES) private readonly messages: ReviewMessages,
    private readonly audits: AuditRepository,
  ) {}

  async get(reviewId: string): Promise<ReviewDetail> {
    const task = await this.reviews.find(reviewId);
    if (!task) throw new NotFoundError(`review ${reviewId} not found`);
    const [message, decisions, reply, claimRow, followUp] = await Promise.all([
      this.messages.messageOfRun(task.runId),
      this.reviews.decisionsOf(task.id),
      this.outbox.replyOf(task.runId),
      this.reviews.claimRow(this.uow.autocommit, reviewId, false),
      this.messages.followUpOf(task.runId),
    ]);
    return {
      id: task.id,
      runId: task.runId,
      status: task.status,
      round: task.round,
      dueAt: task.dueAt.toISOString(),
      createdAt: task.createdAt.toISOString(),
      claim: claimRow ? claimOf(claimRow) : null,
      // Requests recorded before audit sampling existed have no flag.
      request: { ...task.request, auditSample: task.request.auditSample ?? false },
      message: {
        ...message,
        sanitizedHtml: message.untrustedHtml === null ? null : sanitizeEmailHtml(message.untrustedHtml),
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
      followUp: followUp && { ...followUp, reviewId: (await this.reviews.findByRun(followUp.runId))?.id ?? null },
    };
  }

  /** The review's trail with its event's, run's and reply's entries, oldest first. */
  async audit(reviewId: string) {
    const ids = await this.reviews.trailIds(reviewId);
    if (!ids) throw new NotFoundError(`review ${reviewId} not found`);
    const entries = await this.audits.trailOf([
      ['review', ids.review],
      ['run', ids.run],
      ['event', ids.event],
      ['outbound', ids.outbound],
    ]);
    return { items: entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })) };
  }

  /** Decisions, newest first, with the review they belong to and the reply that went out. */
  async history(limit: number, cursor?: string) {
    const rows = await this.reviews.history(limit + 1, cursor ? decodeCursor(cursor, isHistoryCursor) : undefined);
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
          category: d.correctedCategory,
          decidedAt: d.decidedAt.toISOString(),
        },
        // Only a decision that sent something (approve or edit) carries the reply.
        reply:
          replyStatus && d.finalText
            ? { status: replyStatus, sentAt: replySentAt?.toISOString() ?? null, body: replyBody ?? '' }
            : null,
      })),
      // The sort key goes into the cursor as text: Postgres keeps microseconds that a JS Date would lose.
      nextCursor: rows.length > limit && last ? encodeCursor([last.sortKey, last.id]) : null,
    };
  }
}
