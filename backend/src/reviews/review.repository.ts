import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { ReviewRequest } from '@handoff/contracts';
import type { Tx } from '../database/unit-of-work';
import { CLAIM_JOIN, CLAIM_SELECT, type ClaimRow } from './claim-row';
import { ReviewDecisionEntity } from './review-decision.entity';
import { REVIEW_STATE_MACHINE, type ReviewTaskStatus } from './review-status';
import { ReviewTaskEntity } from './review-task.entity';

export interface NewRound {
  id: string;
  request: ReviewRequest;
  dueAt: Date;
  remindAt: Date | null;
  deadlineAction: ReviewTaskEntity['deadlineAction'];
  fromAddress: string;
  subject: string;
  channel: string;
}

export interface DueTask {
  id: string;
  run_id: string;
  deadline_action: ReviewTaskEntity['deadlineAction'];
}

export interface TaskClaimRow extends ClaimRow {
  status: string;
}

export interface HistoryRow {
  id: string;
  round: number;
  actor: string;
  surface: ReviewDecisionEntity['surface'];
  action: ReviewDecisionEntity['action'];
  draftText: string;
  finalText: string | null;
  diff: string | null;
  reason: string | null;
  feedback: string | null;
  correctedCategory: string | null;
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

const sources = (to: ReviewTaskStatus) => REVIEW_STATE_MACHINE.sourcesOf(to);

/**
 * Owns review_tasks and review_decisions. Status changes only take the moves
 * REVIEW_STATE_MACHINE lists; read models whose main table is one of these
 * (history, claims with the claimer's name) join others read-only.
 */
@Injectable()
export class ReviewRepository {
  constructor(private readonly dataSource: DataSource) {}

  private tasks(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(ReviewTaskEntity);
  }

  private decisions(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(ReviewDecisionEntity);
  }

  /**
   * Opens the run's review for `request.round`, or reopens it for a newer round (after a redraft).
   * Returns the task id when something changed; re-recording the same round changes nothing.
   * A new round keeps the first round's deadline: the customer has been waiting since the review opened.
   */
  async openRound(tx: Tx, round: NewRound): Promise<string | null> {
    const { request } = round;
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO review_tasks (id, run_id, status, round, request, due_at, version,
                                 from_address, subject, category, channel, confidence,
                                 remind_at, deadline_action)
       VALUES ($1, $2, 'pending', $3, $4, $5, 1, $10, $11, $6, $12, $7, $8, $9)
       ON CONFLICT (run_id) DO UPDATE
         SET status = 'pending', round = EXCLUDED.round, request = EXCLUDED.request,
             category = EXCLUDED.category, confidence = EXCLUDED.confidence,
             decided_at = NULL, claimed_by = NULL, claimed_until = NULL,
             version = review_tasks.version + 1, updated_at = now()
         WHERE review_tasks.round < EXCLUDED.round AND review_tasks.status = ANY($13)
       RETURNING id`,
      [
        round.id,
        request.runId,
        request.round,
        JSON.stringify(request),
        round.dueAt,
        request.classification.category,
        request.confidence,
        round.remindAt,
        round.deadlineAction,
        round.fromAddress,
        round.subject,
        round.channel,
        sources('pending'),
      ],
    );
    return rows[0]?.id ?? null;
  }

  find(reviewId: string): Promise<ReviewTaskEntity | null> {
    return this.tasks().findOne({ where: { id: reviewId } });
  }

  findByRun(runId: string): Promise<ReviewTaskEntity | null> {
    return this.tasks().findOne({ where: { runId } });
  }

  /** Locks the task for the rest of the transaction. */
  lock(tx: Tx, reviewId: string): Promise<ReviewTaskEntity | null> {
    return this.tasks(tx)
      .createQueryBuilder('task')
      .setLock('pessimistic_write')
      .where('task.id = :reviewId', { reviewId })
      .getOne();
  }

  /** Locks the run's task, if it has one, for the rest of the transaction. */
  lockByRun(tx: Tx, runId: string): Promise<ReviewTaskEntity | null> {
    return this.tasks(tx)
      .createQueryBuilder('task')
      .setLock('pessimistic_write')
      .where('task.run_id = :runId', { runId })
      .getOne();
  }

  /** The customer wrote again: a pending or redrafting review closes as superseded; returns whether it did. */
  async closeSuperseded(tx: Tx, reviewId: string): Promise<boolean> {
    const result = await this.tasks(tx)
      .createQueryBuilder()
      .update()
      .set({
        status: 'superseded',
        decidedAt: () => 'now()',
        claimedBy: null,
        claimedUntil: null,
        version: () => 'version + 1',
      })
      .where('id = :reviewId AND status IN (:...sources)', { reviewId, sources: sources('superseded') })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  lastDecision(reviewId: string, tx?: Tx): Promise<ReviewDecisionEntity | null> {
    return this.decisions(tx).findOne({ where: { taskId: reviewId }, order: { round: 'DESC' } });
  }

  decisionsOf(reviewId: string): Promise<ReviewDecisionEntity[]> {
    return this.decisions().find({ where: { taskId: reviewId }, order: { round: 'ASC' } });
  }

  decisionOfRound(reviewId: string, round: number): Promise<ReviewDecisionEntity | null> {
    return this.decisions().findOne({ where: { taskId: reviewId, round } });
  }

  getDecision(decisionId: string): Promise<ReviewDecisionEntity> {
    return this.decisions().findOneOrFail({ where: { id: decisionId } });
  }

  /**
   * Stores the decision for the locked, pending task's round and moves the task on
   * (decided, or redrafting); a decided review is nobody's to hold any more. Returns the stored decision.
   */
  async decide(
    tx: Tx,
    task: ReviewTaskEntity,
    decision: Omit<ReviewDecisionEntity, 'decidedAt' | 'task'>,
    to: 'decided' | 'redrafting',
  ): Promise<ReviewDecisionEntity> {
    await this.decisions(tx).insert(decision);
    await this.tasks(tx).update(
      { id: task.id, status: In(sources(to)) },
      { status: to, decidedAt: new Date(), claimedBy: null, claimedUntil: null, version: task.version + 1 },
    );
    return this.decisions(tx).findOneOrFail({ where: { id: decision.id } });
  }

  /** Decisions whose run still waits for them: their resume job may have been lost. */
  decisionsNotResumed(graceSeconds: number, limit: number): Promise<{ decisionId: string; runId: string }[]> {
    return this.dataSource.query(
      `SELECT d.id AS "decisionId", t.run_id AS "runId" FROM review_decisions d
         JOIN review_tasks t ON t.id = d.task_id AND t.round = d.round
         JOIN workflow_runs r ON r.id = t.run_id
        WHERE r.status = 'awaiting_review' AND t.status IN ('decided', 'redrafting')
          AND d.decided_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /** The task's status and live claim, locked for the transaction when `tx` is one. */
  async claimRow(tx: Tx, reviewId: string, lock: boolean): Promise<TaskClaimRow | undefined> {
    const rows: TaskClaimRow[] = await tx.query(
      `SELECT t.status, ${CLAIM_SELECT} FROM review_tasks t ${CLAIM_JOIN} WHERE t.id = $1 ${lock ? 'FOR UPDATE OF t' : ''}`,
      [reviewId],
    );
    return rows[0];
  }

  async holdClaim(tx: Tx, reviewId: string, reviewerId: string, minutes: number): Promise<void> {
    await tx.query(
      `UPDATE review_tasks SET claimed_by = $2, claimed_until = now() + make_interval(mins => $3) WHERE id = $1`,
      [reviewId, reviewerId, minutes],
    );
  }

  async releaseClaim(tx: Tx, reviewId: string): Promise<void> {
    await tx.query(`UPDATE review_tasks SET claimed_by = NULL, claimed_until = NULL WHERE id = $1`, [reviewId]);
  }

  /** Pending tasks whose reminder is due, locked; tasks another process holds are skipped. */
  dueReminders(tx: Tx, now: Date, limit: number): Promise<DueTask[]> {
    return tx.query(
      `SELECT id, run_id, deadline_action FROM review_tasks
        WHERE status = 'pending' AND reminded_at IS NULL AND remind_at <= $1
        ORDER BY remind_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [now],
    );
  }

  async markReminded(tx: Tx, reviewId: string, now: Date): Promise<void> {
    await tx.query(`UPDATE review_tasks SET reminded_at = $2 WHERE id = $1`, [reviewId, now]);
  }

  /** Pending tasks past their due time whose action was not taken yet, locked; others' are skipped. */
  dueDeadlines(tx: Tx, now: Date, limit: number): Promise<DueTask[]> {
    return tx.query(
      `SELECT id, run_id, deadline_action FROM review_tasks
        WHERE status = 'pending' AND deadline_action_taken_at IS NULL AND due_at <= $1
        ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [now],
    );
  }

  /** The deadline's escalate or holding_reply action was taken; the review stays pending. */
  async markDeadlineTaken(tx: Tx, reviewId: string, now: Date, escalated: boolean): Promise<void> {
    await tx.query(
      `UPDATE review_tasks SET deadline_action_taken_at = $2, ${escalated ? 'escalated_at = $2, ' : ''}version = version + 1
        WHERE id = $1`,
      [reviewId, now],
    );
  }

  /** The deadline's close action: the review ends timed out. */
  async closeTimedOut(tx: Tx, reviewId: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE review_tasks SET status = 'timed_out', deadline_action_taken_at = $2, decided_at = $2,
              claimed_by = NULL, claimed_until = NULL, version = version + 1
        WHERE id = $1 AND status = ANY($3)`,
      [reviewId, now, sources('timed_out')],
    );
  }

  /** The ids the review's audit trail spans: the review, its run, its event and its reply. */
  async trailIds(
    reviewId: string,
  ): Promise<{ review: string; run: string; event: string; outbound: string | null } | undefined> {
    const [ids] = await this.dataSource.query(
      `SELECT t.id AS review, r.id AS run, r.event_id AS event, o.id AS outbound
       FROM review_tasks t JOIN workflow_runs r ON r.id = t.run_id
       LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
       WHERE t.id = $1`,
      [reviewId],
    );
    return ids;
  }

  /** Decisions, newest first, before the (decidedAt, id) key when given, with their review and reply. */
  history(limit: number, before?: [decidedAt: string, id: string]): Promise<HistoryRow[]> {
    const params: unknown[] = [limit];
    let after = '';
    if (before) {
      params.push(...before);
      after = 'WHERE (d.decided_at, d.id) < ($2::timestamptz, $3::uuid)';
    }
    // The sort key is read as text: Postgres keeps microseconds that a JS Date would lose.
    return this.dataSource.query(
      `SELECT d.id, d.round, d.actor, d.surface, d.action, d.draft_text AS "draftText", d.final_text AS "finalText",
              d.diff, d.reason, d.feedback, d.category AS "correctedCategory", d.decided_at AS "decidedAt", d.decided_at::text AS "sortKey",
              t.id AS "reviewId", t.run_id AS "runId", t.subject, t.from_address AS "from", t.category,
              o.status AS "replyStatus", o.sent_at AS "replySentAt", o.body AS "replyBody"
       FROM review_decisions d JOIN review_tasks t ON t.id = d.task_id
       LEFT JOIN outbound_messages o ON o.run_id = t.run_id AND o.kind = 'reply'
       ${after} ORDER BY d.decided_at DESC, d.id DESC LIMIT $1`,
      params,
    );
  }

  /** Pending reviews, how many are overdue, and the oldest one's age in seconds. */
  async pendingStats(): Promise<{ pending: number; overdue: number; oldestAge: number }> {
    const [row] = await this.dataSource.query<{ pending: string; overdue: string; oldest_age: number | null }[]>(
      `SELECT count(*) AS pending,
              count(*) FILTER (WHERE due_at < now()) AS overdue,
              extract(epoch FROM now() - min(created_at))::float8 AS oldest_age
         FROM review_tasks WHERE status = 'pending'`,
    );
    return { pending: Number(row?.pending ?? 0), overdue: Number(row?.overdue ?? 0), oldestAge: row?.oldest_age ?? 0 };
  }

  /** The review waiting longest (pending or being redrafted) among those opened before `before`; null: none. */
  async oldestWaiting(before: Date): Promise<{ id: string; category: string; openedAt: Date; dueAt: Date } | null> {
    const [row] = await this.dataSource.query<{ id: string; category: string; openedAt: Date; dueAt: Date }[]>(
      `SELECT id, category, created_at AS "openedAt", due_at AS "dueAt" FROM review_tasks
        WHERE status IN ('pending', 'redrafting') AND created_at < $1
        ORDER BY created_at, id LIMIT 1`,
      [before],
    );
    return row ?? null;
  }
}
