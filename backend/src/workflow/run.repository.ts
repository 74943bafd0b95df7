import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CHECKPOINT_SCHEMA } from '../database/setup';
import type { Tx } from '../database/unit-of-work';
import type { FollowUpDecision } from './follow-up-policy';
import { RunStepEntity } from './run-step.entity';
import { isFinalRunStatus, RUN_STATE_MACHINE, type RunStatus } from './run-status';
import { WorkflowRunEntity } from './workflow-run.entity';

export type NewRun = Pick<
  WorkflowRunEntity,
  'id' | 'eventId' | 'graphName' | 'graphVersion' | 'traceParent' | 'status' | 'finishedAt'
>;
export type RunProgress = Pick<
  WorkflowRunEntity,
  | 'classification'
  | 'draft'
  | 'confidence'
  | 'confidenceReasons'
  | 'reviewReasons'
  | 'citations'
  | 'routing'
  | 'modelVersion'
>;
export type RunStatusPatch = Partial<Pick<WorkflowRunEntity, 'error' | 'failedStep' | 'enqueuedAt' | 'supersededBy'>>;

export interface FailedRunRow {
  id: string;
  event_id: string;
  from_address: string;
  subject: string;
  error: string | null;
  failed_step: string | null;
  finished_at: Date | null;
  reply_status: string | null;
}

export interface OverviewRow {
  category: string;
  volume: number;
  auto_sent: number;
  decided: number;
  approved: number;
  edited: number;
  rejected: number;
  median_ms: number | null;
  past_due: number;
  deliveries_failed: number;
  deliveries_uncertain: number;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface DailyOverviewRow {
  start: Date;
  end: Date;
  volume: number;
  auto_sent: number;
  decided: number;
  approved: number;
  median_ms: number | null;
}

/**
 * The overview's runs ($1 <= created_at < $2, not ignored) with their review and reply, and each review's
 * final decision (redrafts and category corrections are not final): shared so the per-category overview and
 * the daily series count alike.
 */
const RUNS_IN_PERIOD = `runs AS (
         SELECT r.id, r.created_at, COALESCE(r.classification->>'category', 'unclassified') AS category,
                t.id AS task_id, t.created_at AS opened_at, t.due_at, o.approved_by, o.status AS delivery_status
         FROM workflow_runs r
         LEFT JOIN review_tasks t ON t.run_id = r.id
         LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
         WHERE r.created_at >= $1 AND r.created_at < $2 AND r.status <> 'ignored'
       )`;
const FINAL_DECISIONS = `final AS (
         SELECT DISTINCT ON (d.task_id) d.task_id, d.action, d.decided_at
         FROM review_decisions d JOIN runs ON runs.task_id = d.task_id
         WHERE d.action NOT IN ('redraft', 'recategorise')
         ORDER BY d.task_id, d.round DESC
       )`;
const MEDIAN_MS = `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.decided_at - runs.opened_at) * 1000)`;

/** Runs that ended and cannot be replayed: their graph state is no longer needed. */
const ENDED = ['sent', 'answered', 'rejected', 'ignored', 'timed_out', 'superseded'];

/**
 * Owns workflow_runs, run_steps and the LangGraph checkpoint tables. Status
 * changes go through `move`, which only takes the moves RUN_STATE_MACHINE lists.
 * Read models whose main table is workflow_runs (dead letters, the overview) join others read-only.
 */
@Injectable()
export class RunRepository {
  constructor(private readonly dataSource: DataSource) {}

  private runs(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(WorkflowRunEntity);
  }

  async create(tx: Tx, run: NewRun): Promise<void> {
    await this.runs(tx).insert(run);
  }

  find(runId: string, tx?: Tx): Promise<WorkflowRunEntity | null> {
    return this.runs(tx).findOne({ where: { id: runId } });
  }

  /** What the retraining pipeline needs of labelled runs: their event and the risk flags they were classified with. */
  async trainingRefs(runIds: string[]): Promise<{ id: string; eventId: string; riskFlags: string[] }[]> {
    if (runIds.length === 0) return [];
    const rows: { id: string; eventId: string; riskFlags: string[] | null }[] = await this.dataSource.query(
      `SELECT id, event_id AS "eventId", classification->'riskFlags' AS "riskFlags"
         FROM workflow_runs WHERE id = ANY($1::uuid[])`,
      [runIds],
    );
    return rows.map((row) => ({ ...row, riskFlags: row.riskFlags ?? [] }));
  }

  get(runId: string, tx?: Tx): Promise<WorkflowRunEntity> {
    return this.runs(tx).findOneOrFail({ where: { id: runId } });
  }

  getByEvent(tx: Tx, eventId: string): Promise<WorkflowRunEntity> {
    return this.runs(tx).findOneOrFail({ where: { eventId } });
  }

  /** Locks the run row for the rest of the transaction. */
  lock(tx: Tx, runId: string): Promise<WorkflowRunEntity | null> {
    return this.runs(tx)
      .createQueryBuilder('run')
      .setLock('pessimistic_write')
      .where('run.id = :runId', { runId })
      .getOne();
  }

  /** Moves the run to `to` if the state machine allows it from where it is; returns whether it moved. */
  async move(tx: Tx, runId: string, to: RunStatus, patch: RunStatusPatch = {}): Promise<boolean> {
    const result = await this.runs(tx).update(
      { id: runId, status: In(RUN_STATE_MACHINE.sourcesOf(to)) },
      { status: to, ...patch, finishedAt: isFinalRunStatus(to) ? new Date() : null },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Gives the run's lease to `owner` for `ttlMs` if no one holds it or its holder's lease expired;
   * returns whether it was taken. One short statement: no connection is held while the run executes.
   */
  async takeLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.updatedAny(
      `UPDATE workflow_runs SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = $1 AND (lease_expires_at IS NULL OR lease_expires_at < now())`,
      [runId, owner, ttlMs / 1000],
    );
  }

  /** Extends `owner`'s lease; false when it is no longer theirs (it expired and someone took it). */
  async renewLease(runId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.updatedAny(
      `UPDATE workflow_runs SET lease_expires_at = now() + make_interval(secs => $3) WHERE id = $1 AND lease_owner = $2`,
      [runId, owner, ttlMs / 1000],
    );
  }

  async releaseLease(runId: string, owner: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE workflow_runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
      [runId, owner],
    );
  }

  private async updatedAny(sql: string, parameters: unknown[]): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected] = (await this.dataSource.query(sql, parameters)) as [unknown[], number];
    return affected > 0;
  }

  /** Records what the run's follow_up step decided (see follow-up-policy.ts). */
  async setFollowUp(tx: Tx, runId: string, decision: FollowUpDecision): Promise<void> {
    await this.runs(tx).update({ id: runId }, { followUp: decision });
  }

  /** The runs this run superseded when its message arrived, oldest first. */
  supersededBy(runId: string): Promise<WorkflowRunEntity[]> {
    return this.runs().find({ where: { supersededBy: runId }, order: { createdAt: 'ASC' } });
  }

  async markEnqueued(runId: string): Promise<void> {
    await this.runs().update({ id: runId }, { enqueuedAt: new Date() });
  }

  async setModel(runId: string, modelName: string): Promise<void> {
    await this.runs().update({ id: runId }, { modelName });
  }

  async saveProgress(runId: string, progress: RunProgress): Promise<void> {
    await this.runs().update({ id: runId }, progress);
  }

  async recordStep(runId: string, node: string, startedAt: Date, finishedAt: Date): Promise<void> {
    await this.dataSource.getRepository(RunStepEntity).insert({ runId, node, startedAt, finishedAt });
  }

  stepsOf(runId: string): Promise<RunStepEntity[]> {
    return this.dataSource
      .getRepository(RunStepEntity)
      .find({ where: { runId }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  async countFailed(): Promise<number> {
    return this.runs().count({ where: { status: 'failed' } });
  }

  /** Queued runs whose start job never reached the queue. */
  async unqueued(graceSeconds: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM workflow_runs
        WHERE status = 'queued' AND enqueued_at IS NULL AND created_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Queued or running runs untouched for a while, with the ids of their decisions (whose resume jobs may hold them). */
  async stale(graceSeconds: number, limit: number): Promise<{ id: string; decision_ids: string[] }[]> {
    return this.dataSource.query(
      `SELECT r.id, coalesce(array_agg(d.id) FILTER (WHERE d.id IS NOT NULL), '{}') AS decision_ids
         FROM workflow_runs r
         LEFT JOIN review_tasks t ON t.run_id = r.id
         LEFT JOIN review_decisions d ON d.task_id = t.id
        WHERE r.status IN ('queued', 'running') AND r.enqueued_at IS NOT NULL
          AND r.updated_at < now() - make_interval(secs => $1)
        GROUP BY r.id LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /** Failed runs, newest first, with their event's sender and subject and their reply's status. */
  listFailed(limit: number, before?: string): Promise<FailedRunRow[]> {
    return this.dataSource.query(
      `SELECT r.id, r.event_id, e.from_address, e.subject, r.error, r.failed_step, r.finished_at, o.status AS reply_status
         FROM workflow_runs r
         JOIN inbound_events e ON e.id = r.event_id
         LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
        WHERE r.status = 'failed' AND ($1::timestamptz IS NULL OR r.finished_at < $1)
        ORDER BY r.finished_at DESC
        LIMIT $2`,
      [before ?? null, limit],
    );
  }

  /**
   * Per-category counts for runs created in [from, to); see StatsService for what each number means.
   * Reads review_tasks, review_decisions, outbound_messages and llm_calls read-only: one statement, so the
   * dashboard and the digest see one consistent picture.
   */
  overview(from: Date, to: Date): Promise<OverviewRow[]> {
    return this.dataSource.query(
      `WITH ${RUNS_IN_PERIOD}, ${FINAL_DECISIONS}, tokens AS (
         SELECT c.run_id, sum(COALESCE(c.prompt_tokens, 0))::int AS prompt_tokens,
                sum(COALESCE(c.completion_tokens, 0))::int AS completion_tokens
         FROM llm_calls c JOIN runs ON runs.id = c.run_id
         GROUP BY c.run_id
       )
       SELECT CASE WHEN GROUPING(runs.category) = 1 THEN 'all' ELSE runs.category END AS category,
              count(*)::int AS volume,
              count(*) FILTER (WHERE runs.approved_by = 'auto')::int AS auto_sent,
              count(f.task_id)::int AS decided,
              count(*) FILTER (WHERE f.action = 'approve')::int AS approved,
              count(*) FILTER (WHERE f.action = 'edit')::int AS edited,
              count(*) FILTER (WHERE f.action = 'reject')::int AS rejected,
              ${MEDIAN_MS} AS median_ms,
              count(*) FILTER (WHERE runs.due_at < COALESCE(f.decided_at, now()))::int AS past_due,
              count(*) FILTER (WHERE runs.delivery_status = 'failed')::int AS deliveries_failed,
              count(*) FILTER (WHERE runs.delivery_status = 'uncertain')::int AS deliveries_uncertain,
              COALESCE(sum(k.prompt_tokens), 0)::int AS prompt_tokens,
              COALESCE(sum(k.completion_tokens), 0)::int AS completion_tokens
       FROM runs LEFT JOIN final f ON f.task_id = runs.task_id LEFT JOIN tokens k ON k.run_id = runs.id
       GROUP BY GROUPING SETS ((runs.category), ())
       ORDER BY GROUPING(runs.category) DESC, runs.category`,
      [from, to],
    );
  }

  /**
   * The overview's "all" counts per UTC day of [from, to), in one statement: every day of the period has a
   * row (zeros when it had no runs), the first and last clipped to the period, so each row equals
   * `overview(start, end)`'s "all" row.
   */
  dailyOverview(from: Date, to: Date): Promise<DailyOverviewRow[]> {
    return this.dataSource.query(
      `WITH ${RUNS_IN_PERIOD}, ${FINAL_DECISIONS}, days AS (
         SELECT GREATEST(d AT TIME ZONE 'UTC', $1::timestamptz) AS start,
                LEAST((d + interval '1 day') AT TIME ZONE 'UTC', $2::timestamptz) AS "end"
         FROM generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC'),
                              $2::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS d
         WHERE d AT TIME ZONE 'UTC' < $2::timestamptz
       )
       SELECT days.start, days."end",
              count(runs.id)::int AS volume,
              count(*) FILTER (WHERE runs.approved_by = 'auto')::int AS auto_sent,
              count(f.task_id)::int AS decided,
              count(*) FILTER (WHERE f.action = 'approve')::int AS approved,
              ${MEDIAN_MS} AS median_ms
       FROM days
       LEFT JOIN runs ON runs.created_at >= days.start AND runs.created_at < days."end"
       LEFT JOIN final f ON f.task_id = runs.task_id
       GROUP BY days.start, days."end"
       ORDER BY days.start`,
      [from, to],
    );
  }

  /**
   * Deletes the checkpoints of up to `limit` runs that ended before `endedBefore` (failed ones before
   * `failedBefore`) and marks them pruned, in one transaction; returns how many. SKIP LOCKED leaves a
   * run that a replay is moving alone.
   */
  async pruneCheckpoints(endedBefore: Date, failedBefore: Date, now: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      // Runs whose checkpoints are still there (a partial index).
      const rows: { id: string }[] = await tx.query(
        `SELECT r.id FROM workflow_runs r
          WHERE r.checkpoints_pruned_at IS NULL AND r.finished_at IS NOT NULL
            AND r.finished_at < GREATEST($2::timestamptz, $3::timestamptz)
            AND ((r.status = ANY($1) AND r.finished_at < $2) OR (r.status = 'failed' AND r.finished_at < $3))
          LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED`,
        [ENDED, endedBefore, failedBefore],
      );
      const ids = rows.map((row) => row.id);
      if (!ids.length) return 0;
      for (const table of ['checkpoint_writes', 'checkpoint_blobs', 'checkpoints']) {
        await tx.query(`DELETE FROM ${CHECKPOINT_SCHEMA}.${table} WHERE thread_id = ANY($1::text[])`, [ids]);
      }
      await tx.query(`UPDATE workflow_runs SET checkpoints_pruned_at = $2 WHERE id = ANY($1::uuid[])`, [ids, now]);
      return ids.length;
    });
  }
}
