import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Overview } from '@handoff/contracts';

interface OverviewRow {
  category: string;
  volume: number;
  auto_sent: number;
  decided: number;
  approved: number;
  edited: number;
  median_ms: number | null;
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Dashboard numbers, computed from our own tables for runs created in [from, to). */
@Injectable()
export class StatsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Volume counts runs that were not ignored. Auto-send rate is over volume;
   * approval and edit rates are over reviews with a final decision (approve,
   * edit or reject — redrafts are not final); time to decision runs from the
   * review opening to that final decision.
   */
  async overview(from: Date, to: Date): Promise<Overview> {
    const rows: OverviewRow[] = await this.dataSource.query(
      `WITH runs AS (
         SELECT COALESCE(r.classification->>'category', 'unclassified') AS category, t.id AS task_id,
                t.created_at AS opened_at, o.approved_by
         FROM workflow_runs r
         LEFT JOIN review_tasks t ON t.run_id = r.id
         LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
         WHERE r.created_at >= $1 AND r.created_at < $2 AND r.status <> 'ignored'
       ), final AS (
         SELECT DISTINCT ON (d.task_id) d.task_id, d.action, d.decided_at
         FROM review_decisions d JOIN runs ON runs.task_id = d.task_id
         WHERE d.action <> 'redraft'
         ORDER BY d.task_id, d.round DESC
       )
       SELECT CASE WHEN GROUPING(runs.category) = 1 THEN 'all' ELSE runs.category END AS category,
              count(*)::int AS volume,
              count(*) FILTER (WHERE runs.approved_by = 'auto')::int AS auto_sent,
              count(f.task_id)::int AS decided,
              count(*) FILTER (WHERE f.action = 'approve')::int AS approved,
              count(*) FILTER (WHERE f.action = 'edit')::int AS edited,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.decided_at - runs.opened_at) * 1000)
                AS median_ms
       FROM runs LEFT JOIN final f ON f.task_id = runs.task_id
       GROUP BY GROUPING SETS ((runs.category), ())
       ORDER BY GROUPING(runs.category) DESC, runs.category`,
      [from, to],
    );
    // An empty period has no grouping-set rows at all; still report "all".
    const all = rows.length
      ? rows
      : [{ category: 'all', volume: 0, auto_sent: 0, decided: 0, approved: 0, edited: 0, median_ms: null }];
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      rows: all.map((row) => ({
        category: row.category,
        volume: row.volume,
        autoSendRate: rate(row.auto_sent, row.volume),
        approvalWithoutEditRate: rate(row.approved, row.decided),
        editRate: rate(row.edited, row.decided),
        medianTimeToDecisionMs: row.median_ms === null ? null : Math.round(row.median_ms),
      })),
    };
  }
}
