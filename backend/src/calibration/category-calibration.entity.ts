import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CalibrationCurvePoint } from '@handoff/contracts';

/** The learned gate of one category as the last recompute left it, and an admin's pin. */
@Entity({ name: 'category_calibration' })
export class CategoryCalibrationEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  category: string;

  /** What the evidence says: auto where it earned a threshold, otherwise review. */
  @Column({ name: 'learned_mode', type: 'varchar', length: 8, default: 'review' })
  learnedMode: 'auto' | 'review';

  @Column({ type: 'double precision', nullable: true })
  threshold: number | null;

  @Column({ type: 'int', default: 0 })
  evidence: number;

  @Column({ type: 'int', default: 0 })
  successes: number;

  @Column({ name: 'precision_estimate', type: 'double precision', nullable: true })
  precisionEstimate: number | null;

  @Column({ name: 'precision_lower_bound', type: 'double precision', nullable: true })
  precisionLowerBound: number | null;

  @Column({ type: 'double precision', default: 0 })
  coverage: number;

  @Column({ type: 'jsonb' })
  curve: CalibrationCurvePoint[];

  /** An admin's pin: review or auto whatever the evidence; null follows the evidence. */
  @Column({ name: 'override_mode', type: 'varchar', length: 8, nullable: true })
  overrideMode: 'auto' | 'review' | null;

  /** With override auto: the pinned threshold (null: the static one). */
  @Column({ name: 'override_threshold', type: 'double precision', nullable: true })
  overrideThreshold: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
