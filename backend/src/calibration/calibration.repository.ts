import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { CalibrationChangeEntity } from './calibration-change.entity';
import { CategoryCalibrationEntity } from './category-calibration.entity';
import { ReviewLabelEntity } from './review-label.entity';

export type NewLabel = Omit<ReviewLabelEntity, 'createdAt'>;
export type CalibrationRow = Omit<CategoryCalibrationEntity, 'updatedAt'>;
export type NewChange = Omit<CalibrationChangeEntity, 'at'>;

export interface CategoryLabelRow {
  runId: string;
  outcome: 'sent_unedited' | 'recategorised';
  category: string;
  correctedCategory: string | null;
  createdAt: Date;
}

export interface OutcomeRow {
  category: string;
  confidence: number;
  success: boolean;
}

/** Owns review_labels, category_calibration and calibration_changes. */
@Injectable()
export class CalibrationRepository {
  constructor(private readonly dataSource: DataSource) {}

  private calibration(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(CategoryCalibrationEntity);
  }

  /** One label per decision: a replayed decision transaction cannot add a second. */
  async insertLabel(tx: Tx, label: NewLabel): Promise<void> {
    await tx.createQueryBuilder().insert().into(ReviewLabelEntity).values(label).orIgnore().execute();
  }

  labelsOfRun(runId: string): Promise<ReviewLabelEntity[]> {
    return this.dataSource.getRepository(ReviewLabelEntity).find({ where: { runId }, order: { round: 'ASC' } });
  }

  /**
   * The first-round label of every labelled run: what the gate learns from. With a model version, only runs
   * that version classified count (labels from before versions belong to version 1, the shipped model).
   */
  firstRoundOutcomes(tx: Tx, modelVersion: number | null = null): Promise<OutcomeRow[]> {
    return tx.query(
      `SELECT category, confidence, success FROM review_labels
        WHERE round = 0 AND ($1::int IS NULL OR COALESCE(model_version, 1) = $1::int)
        ORDER BY category, confidence DESC`,
      [modelVersion],
    );
  }

  /** Labels that name a run's category (an unedited approval confirms it, a correction sets it), oldest first. */
  categoryLabels(): Promise<CategoryLabelRow[]> {
    return this.dataSource.query(
      `SELECT run_id AS "runId", outcome, category, corrected_category AS "correctedCategory", created_at AS "createdAt"
         FROM review_labels
        WHERE outcome = 'sent_unedited' OR (outcome = 'recategorised' AND corrected_category IS NOT NULL)
        ORDER BY created_at, id`,
    );
  }

  async countCategoryLabelsSince(since: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM review_labels
        WHERE created_at > $1
          AND (outcome = 'sent_unedited' OR (outcome = 'recategorised' AND corrected_category IS NOT NULL))`,
      [since],
    );
    return (row as { n: number }).n;
  }

  /** Serialises recomputes and pins across processes for the transaction. */
  async lock(tx: Tx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('handoff.calibration'))`);
  }

  all(tx?: Tx): Promise<CategoryCalibrationEntity[]> {
    return this.calibration(tx).find({ order: { category: 'ASC' } });
  }

  find(category: string): Promise<CategoryCalibrationEntity | null> {
    return this.calibration().findOneBy({ category });
  }

  async save(tx: Tx, row: CalibrationRow): Promise<void> {
    await this.calibration(tx).save(row);
  }

  async insertChange(tx: Tx, change: NewChange): Promise<void> {
    await tx.getRepository(CalibrationChangeEntity).insert(change);
  }

  history(limit: number): Promise<CalibrationChangeEntity[]> {
    return this.dataSource.getRepository(CalibrationChangeEntity).find({ order: { at: 'DESC' }, take: limit });
  }
}
