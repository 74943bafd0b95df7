import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Why a category's effective mode changed. */
export type CalibrationChangeCause = 'earned' | 'demoted' | 'pinned';

/** The history of mode changes the Autopilot page shows; each also has an audit_log entry. */
@Entity({ name: 'calibration_changes' })
@Index('ix_calibration_changes_at', ['at'])
export class CalibrationChangeEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  category: string;

  @Column({ name: 'from_mode', type: 'varchar', length: 8 })
  fromMode: 'auto' | 'review';

  @Column({ name: 'to_mode', type: 'varchar', length: 8 })
  toMode: 'auto' | 'review';

  @Column({ type: 'varchar', length: 16 })
  cause: CalibrationChangeCause;

  @Column({ type: 'varchar', length: 320 })
  actor: string;

  @Column({ type: 'double precision', nullable: true })
  threshold: number | null;

  @Column({ name: 'precision_lower_bound', type: 'double precision', nullable: true })
  precisionLowerBound: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;
}
