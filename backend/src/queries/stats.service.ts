import { Inject, Injectable } from '@nestjs/common';
import type { Overview, OverviewRow, Timeseries } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { ReviewRepository } from '../reviews/review.repository';
import { RunRepository, type OverviewRow as CountsRow } from '../workflow/run.repository';

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Audit actions of the learned gate's mode changes (the calibration module records them). */
export const GATE_CHANGE_ACTION_PREFIXES = ['calibration.'];

const EMPTY: CountsRow = {
  category: 'all',
  volume: 0,
  auto_sent: 0,
  decided: 0,
  approved: 0,
  edited: 0,
  rejected: 0,
  median_ms: null,
  past_due: 0,
  deliveries_failed: 0,
  deliveries_uncertain: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
};

export interface TokenPrices {
  inputPerMillion?: number;
  outputPerMillion?: number;
}

/** USD for the tokens at the configured prices; null when no price is set. */
export function llmCost(prompt: number, completion: number, prices: TokenPrices): number | null {
  if (prices.inputPerMillion === undefined && prices.outputPerMillion === undefined) return null;
  const cost = (prompt * (prices.inputPerMillion ?? 0) + completion * (prices.outputPerMillion ?? 0)) / 1_000_000;
  return Math.round(cost * 1_000_000) / 1_000_000;
}

/** Dashboard numbers, computed from our own tables for runs created in [from, to). */
@Injectable()
export class StatsService {
  private readonly prices: TokenPrices;

  constructor(
    private readonly runs: RunRepository,
    private readonly reviews: ReviewRepository,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.prices = {
      inputPerMillion: config.LLM_PRICE_INPUT_PER_MTOK,
      outputPerMillion: config.LLM_PRICE_OUTPUT_PER_MTOK,
    };
  }

  /**
   * Volume counts runs that were not ignored. Auto-send rate is over volume;
   * approval and edit rates are over reviews with a final decision (approve,
   * edit or reject — redrafts are not final); time to decision runs from the
   * review opening to that final decision. Tokens are those of the period's runs' LLM calls.
   */
  async overview(from: Date, to: Date): Promise<Overview> {
    const [rows, oldest, gateChanges] = await Promise.all([
      this.runs.overview(from, to),
      this.reviews.oldestWaiting(to),
      this.audit.withActionPrefix(GATE_CHANGE_ACTION_PREFIXES, from, to),
    ]);
    // An empty period has no grouping-set rows at all; still report "all".
    const all = rows.length ? rows : [EMPTY];
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      rows: all.map((row) => this.row(row)),
      oldestWaitingReview: oldest && {
        reviewId: oldest.id,
        category: oldest.category,
        openedAt: new Date(oldest.openedAt).toISOString(),
        dueAt: new Date(oldest.dueAt).toISOString(),
      },
      gateChanges: gateChanges.map((entry) => ({
        at: new Date(entry.at).toISOString(),
        actor: entry.actor,
        action: entry.action,
        data: entry.data,
      })),
    };
  }

  /** The overview's "all" volume, auto-send and approval-without-edit rates and median time to decision per UTC day. */
  async timeseries(from: Date, to: Date): Promise<Timeseries> {
    const days = await this.runs.dailyOverview(from, to);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: 'day',
      points: days.map((day) => ({
        start: new Date(day.start).toISOString(),
        end: new Date(day.end).toISOString(),
        volume: day.volume,
        autoSent: day.auto_sent,
        autoSendRate: rate(day.auto_sent, day.volume),
        decided: day.decided,
        approvedUnedited: day.approved,
        approvalWithoutEditRate: rate(day.approved, day.decided),
        medianTimeToDecisionMs: day.median_ms === null ? null : Math.round(day.median_ms),
      })),
    };
  }

  private row(row: CountsRow): OverviewRow {
    return {
      category: row.category,
      volume: row.volume,
      autoSendRate: rate(row.auto_sent, row.volume),
      approvalWithoutEditRate: rate(row.approved, row.decided),
      editRate: rate(row.edited, row.decided),
      medianTimeToDecisionMs: row.median_ms === null ? null : Math.round(row.median_ms),
      autoSent: row.auto_sent,
      approvedUnedited: row.approved,
      edited: row.edited,
      rejected: row.rejected,
      pastDue: row.past_due,
      deliveriesFailed: row.deliveries_failed,
      deliveriesUncertain: row.deliveries_uncertain,
      llmPromptTokens: row.prompt_tokens,
      llmCompletionTokens: row.completion_tokens,
      llmCostUsd: llmCost(row.prompt_tokens, row.completion_tokens, this.prices),
    };
  }
}
