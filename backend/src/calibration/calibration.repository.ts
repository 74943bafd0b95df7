import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { CalibrationChangeEntity } from './calibration-change.entity';
import { CategoryCalibrationEntity } from './category-calibration.entity';
import { ReviewLabelEntity } from './review-label.entity';

export type NewLabel = Omit<ReviewLabelEntity, 'createdAt'>;
export type CalibrationRow = Omit<CategoryCalibrationEntity, 'updatedAt'>;
export type NewChange = Omit<CalibrationChangeEntity, 'at'>;

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

  /** The first-round label of every labelled run: what the gate learns from. */
  firstRoundOutcomes(tx: Tx): Promise<OutcomeRow[]> {
    return tx.query(
      `SELECT category, confidence, success FROM review_labels WHERE round = 0 ORDER BY category, confidence DESC`,
    );
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
