import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { diffChars } from 'diff';
import {
  computeCategoryGate,
  drawnForAudit,
  isSuccess,
  normalisedEditDistance,
  type AutoSendGate,
  type GateRule,
  type TriagePolicy,
} from '@handoff/graphs';
import type { Calibration, CalibrationChange, CalibrationPinInput, ReviewRequest } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { PeriodicTask } from '../common/periodic';
import { NotFoundError } from '../common/domain-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { buildTriagePolicy } from '../workflow/triage-model.factory';
import type { CalibrationChangeCause } from './calibration-change.entity';
import { CalibrationRepository, type CalibrationRow } from './calibration.repository';
import type { CategoryCalibrationEntity } from './category-calibration.entity';
import type { LabelOutcome } from './review-label.entity';

/** A decision as the label needs it: what the reviewer did to the draft of one round. */
export interface DecisionForLabel {
  decisionId: string;
  reviewId: string;
  request: ReviewRequest;
  action: 'approve' | 'edit' | 'reject' | 'redraft' | 'recategorise';
  finalText: string | null;
  correctedCategory: string | null;
}

/** Beyond this many edits the texts are simply different: the diff stops and the distance is 1. */
const MAX_EDIT_LENGTH = 5_000;

const OUTCOME_OF: Record<DecisionForLabel['action'], LabelOutcome> = {
  approve: 'sent_unedited',
  edit: 'edited',
  reject: 'rejected',
  redraft: 'redrafted',
  recategorise: 'recategorised',
};

type Mode = 'auto' | 'review';

/**
 * The learned auto-send gate: labels from reviewer decisions, per-category thresholds recomputed from
 * them (periodically and on demand), admins' pins, and audit sampling. Implements the workflow's
 * AutoSendGate port, which the route step consults for every run.
 */
@Injectable()
export class CalibrationService implements AutoSendGate, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Calibration');
  private readonly policy: TriagePolicy;
  private readonly periodic = new PeriodicTask(
    () => this.recompute('system'),
    (error) => this.logger.warn(`calibration recompute failed: ${error.message}`),
  );

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: CalibrationRepository,
    private readonly audit: AuditRepository,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.policy = buildTriagePolicy(config);
  }

  onModuleInit(): void {
    const rows = async () => {
      const byCategory = new Map((await this.repository.all()).map((row) => [row.category, row]));
      return this.policy.taxonomy.map(({ key }) => ({ key, row: byCategory.get(key) }));
    };
    this.metrics.supplyByCategory('handoff_autosend_mode', async () => {
      const entries = await rows();
      return new Map(entries.map(({ key, row }) => [key, this.effective(key, row).mode === 'auto' ? 1 : 0]));
    });
    this.metrics.supplyByCategory('handoff_autosend_precision_lower_bound', async () => {
      const entries = await rows();
      return new Map(entries.map(({ key, row }) => [key, row?.precisionLowerBound ?? 0]));
    });
  }

  onApplicationBootstrap(): void {
    // Workers keep the gate fresh; an API-only process recomputes only when asked.
    if (this.config.APP_ROLE === 'api') return;
    this.periodic.start(this.config.CALIBRATION_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** Records the label of a decision, in the decision's transaction. Returns whether it was a failed audit. */
  async recordLabel(tx: Tx, decision: DecisionForLabel): Promise<{ failedAudit: boolean }> {
    const { request } = decision;
    const outcome = OUTCOME_OF[decision.action];
    const editDistance =
      outcome === 'edited' && decision.finalText !== null ? editDistanceOf(request.draft, decision.finalText) : null;
    const success = isSuccess(outcome, editDistance);
    await this.repository.insertLabel(tx, {
      id: randomUUID(),
      decisionId: decision.decisionId,
      runId: request.runId,
      reviewId: decision.reviewId,
      round: request.round,
      category: request.classification.category,
      confidence: request.confidence,
      outcome,
      editDistance,
      correctedCategory: decision.correctedCategory,
      auditSample: request.auditSample,
      success,
      modelVersion: request.modelVersion,
    });
    return { failedAudit: request.auditSample && request.round === 0 && !success };
  }

  /**
   * The offline model version whose runs' labels the gate learns from; set by the models module in every
   * process when a version becomes active. Null (other models): every label counts.
   */
  private modelVersion: number | null = null;

  /** A new model's confidences are not the old one's: the gate learns from the active version's runs only. */
  useModelVersion(version: number | null): void {
    this.modelVersion = version;
  }

  /** Labels that say which category a run belongs to, oldest first: the retraining pipeline's data. */
  categoryLabels() {
    return this.repository.categoryLabels();
  }

  countCategoryLabelsSince(since: Date): Promise<number> {
    return this.repository.countCategoryLabelsSince(since);
  }

  labelsOfRun(runId: string) {
    return this.repository.labelsOfRun(runId);
  }

  /** The AutoSendGate port: the threshold the route step applies to a category. */
  async ruleFor(category: string): Promise<GateRule> {
    const row = await this.repository.find(category);
    const { mode, threshold, source } = this.effective(category, row ?? undefined);
    return { mode: source, threshold: mode === 'auto' ? threshold : null };
  }

  /** The AutoSendGate port: whether a run that would go out alone is drawn for audit. */
  auditSample(runId: string): boolean {
    return drawnForAudit(runId, this.config.AUTO_SEND_AUDIT_RATE);
  }

  /**
   * Recomputes every category's learned threshold from the first-round labels and records each change of
   * what the route step does (with an audit entry and a metric). Safe from many processes: they serialise.
   */
  async recompute(actor: string): Promise<Calibration> {
    const changes = await this.uow.run(async (tx) => {
      await this.repository.lock(tx);
      const outcomes = await this.repository.firstRoundOutcomes(tx, this.modelVersion);
      const previous = new Map((await this.repository.all(tx)).map((row) => [row.category, row]));
      const made: { category: string; cause: CalibrationChangeCause }[] = [];
      for (const { key } of this.policy.taxonomy) {
        const before = previous.get(key);
        const gate = computeCategoryGate(
          outcomes.filter((outcome) => outcome.category === key),
          { targetPrecision: this.config.AUTO_SEND_TARGET_PRECISION, minEvidence: this.config.AUTO_SEND_MIN_EVIDENCE },
        );
        const row: CalibrationRow = {
          category: key,
          learnedMode: gate.threshold === null ? 'review' : 'auto',
          threshold: gate.threshold,
          evidence: gate.evidence,
          successes: gate.successes,
          precisionEstimate: gate.precisionEstimate,
          precisionLowerBound: gate.precisionLowerBound,
          coverage: gate.coverage,
          curve: gate.curve.map(({ threshold, coverage, precision, lowerBound }) => ({
            threshold,
            coverage,
            precision,
            lowerBound,
          })),
          overrideMode: before?.overrideMode ?? null,
          overrideThreshold: before?.overrideThreshold ?? null,
        };
        await this.repository.save(tx, row);
        const from = this.effective(key, before).mode;
        const to = this.effective(key, row).mode;
        if (from !== to) {
          const cause = to === 'auto' ? 'earned' : 'demoted';
          await this.recordChange(tx, { category: key, from, to, cause, actor, row });
          made.push({ category: key, cause });
        }
      }
      return made;
    });
    for (const { category, cause } of changes) this.metrics.autosendModeChanges.inc({ category, cause });
    return this.snapshot();
  }

  /** An admin's pin on a category (or `learned` to lift it), audited; takes effect on the next route step. */
  async pin(category: string, input: CalibrationPinInput, actor: string): Promise<Calibration> {
    if (!this.policy.taxonomy.some(({ key }) => key === category)) {
      throw new NotFoundError(`category ${category} is not in the taxonomy`);
    }
    await this.uow.run(async (tx) => {
      await this.repository.lock(tx);
      const before = (await this.repository.all(tx)).find((row) => row.category === category);
      const row: CalibrationRow = {
        ...(before ?? emptyRow(category)),
        overrideMode: input.mode === 'learned' ? null : input.mode,
        overrideThreshold: input.mode === 'auto' ? (input.threshold ?? null) : null,
      };
      await this.repository.save(tx, row);
      await this.recordChange(tx, {
        category,
        from: this.effective(category, before).mode,
        to: this.effective(category, row).mode,
        cause: 'pinned',
        actor,
        row,
        pin: input,
      });
    });
    this.metrics.autosendModeChanges.inc({ category, cause: 'pinned' });
    return this.snapshot();
  }

  async snapshot(): Promise<Calibration> {
    const rows = new Map((await this.repository.all()).map((row) => [row.category, row]));
    const updated = [...rows.values()].map((row) => row.updatedAt.getTime());
    return {
      autoSendMode: this.config.AUTO_SEND_MODE,
      target: this.config.AUTO_SEND_TARGET_PRECISION,
      minEvidence: this.config.AUTO_SEND_MIN_EVIDENCE,
      auditRate: this.config.AUTO_SEND_AUDIT_RATE,
      updatedAt: updated.length ? new Date(Math.max(...updated)).toISOString() : null,
      categories: this.policy.taxonomy.map(({ key }) => {
        const row = rows.get(key);
        const { mode, threshold } = this.effective(key, row);
        return {
          category: key,
          mode,
          threshold,
          evidence: row?.evidence ?? 0,
          successes: row?.successes ?? 0,
          precisionEstimate: row?.precisionEstimate ?? null,
          precisionLowerBound: row?.precisionLowerBound ?? null,
          coverage: row?.coverage ?? 0,
          override: row?.overrideMode ? { mode: row.overrideMode, threshold: row.overrideThreshold } : null,
          curve: row?.curve ?? [],
        };
      }),
    };
  }

  async history(limit: number): Promise<CalibrationChange[]> {
    return (await this.repository.history(limit)).map((change) => ({ ...change, at: change.at.toISOString() }));
  }

  /**
   * What the route step does with a category: always-review categories never go out alone; then an
   * admin's pin; then, under AUTO_SEND_MODE=learned, the evidence; under static, the static threshold.
   */
  private effective(
    category: string,
    row:
      Pick<CategoryCalibrationEntity, 'learnedMode' | 'threshold' | 'overrideMode' | 'overrideThreshold'> | undefined,
  ): { mode: Mode; threshold: number | null; source: GateRule['mode'] } {
    const staticThreshold = this.policy.autoSendThreshold(category);
    if (this.policy.alwaysReview(category)) return { mode: 'review', threshold: null, source: 'static' };
    if (row?.overrideMode === 'review') return { mode: 'review', threshold: null, source: 'pinned' };
    if (row?.overrideMode === 'auto') {
      return { mode: 'auto', threshold: row.overrideThreshold ?? staticThreshold, source: 'pinned' };
    }
    if (this.config.AUTO_SEND_MODE === 'static') return { mode: 'auto', threshold: staticThreshold, source: 'static' };
    return row?.learnedMode === 'auto' && row.threshold !== null
      ? { mode: 'auto', threshold: row.threshold, source: 'learned' }
      : { mode: 'review', threshold: null, source: 'learned' };
  }

  private async recordChange(
    tx: Tx,
    change: {
      category: string;
      from: Mode;
      to: Mode;
      cause: CalibrationChangeCause;
      actor: string;
      row: CalibrationRow;
      pin?: CalibrationPinInput;
    },
  ): Promise<void> {
    const id = randomUUID();
    const { row } = change;
    const threshold = this.effective(change.category, row).threshold;
    await this.repository.insertChange(tx, {
      id,
      category: change.category,
      fromMode: change.from,
      toMode: change.to,
      cause: change.cause,
      actor: change.actor,
      threshold,
      precisionLowerBound: row.precisionLowerBound,
    });
    await this.audit.record(tx, {
      actor: change.actor,
      action: `calibration.${change.cause}`,
      entityType: 'calibration',
      entityId: id,
      data: {
        category: change.category,
        from: change.from,
        to: change.to,
        threshold,
        precisionLowerBound: row.precisionLowerBound,
        evidence: row.evidence,
        ...(change.pin ? { pin: change.pin } : {}),
      },
    });
  }
}

function emptyRow(category: string): CalibrationRow {
  return {
    category,
    learnedMode: 'review',
    threshold: null,
    evidence: 0,
    successes: 0,
    precisionEstimate: null,
    precisionLowerBound: null,
    coverage: 0,
    curve: [],
    overrideMode: null,
    overrideThreshold: null,
  };
}

/** Characters inserted plus deleted (a character diff) over both texts' length. */
export function editDistanceOf(draft: string, final: string): number {
  if (draft === final) return 0;
  const parts = diffChars(draft, final, { maxEditLength: MAX_EDIT_LENGTH });
  if (!parts) return 1;
  const changed = parts.reduce((sum, part) => sum + (part.added || part.removed ? part.value.length : 0), 0);
  return normalisedEditDistance(changed, draft.length, final.length);
}
