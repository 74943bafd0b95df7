import { Injectable } from '@nestjs/common';
import type { Overview } from '@handoff/contracts';
import { RunRepository } from '../workflow/run.repository';

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Dashboard numbers, computed from our own tables for runs created in [from, to). */
@Injectable()
export class StatsService {
  constructor(private readonly runs: RunRepository) {}

  /**
   * Volume counts runs that were not ignored. Auto-send rate is over volume;
   * approval and edit rates are over reviews with a final decision (approve,
   * edit or reject — redrafts are not final); time to decision runs from the
   * review opening to that final decision.
   */
  async overview(from: Date, to: Date): Promise<Overview> {
    const rows = await this.runs.overview(from, to);
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
