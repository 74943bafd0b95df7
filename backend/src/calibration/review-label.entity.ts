import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** What a reviewer's decision says about the draft the run was given. */
export type LabelOutcome = 'sent_unedited' | 'edited' | 'rejected' | 'redrafted' | 'recategorised';

/**
 * One label per review decision, written in the decision's transaction: the outcome, the
 * category and confidence the run was routed with, and (for edits) how much changed. The
 * learned gate reads the first-round labels: those judge the draft auto-send would have sent.
 */
@Entity({ name: 'review_labels' })
@Index('ix_review_labels_category_round', ['category', 'round'])
export class ReviewLabelEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** One label per decision. */
  @Index('uq_review_labels_decision', { unique: true })
  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @Column({ type: 'int' })
  round: number;

  /** The category the run was classified (and routed) with in this round. */
  @Column({ type: 'varchar', length: 64 })
  category: string;

  /** The draft's confidence in this round, which the gate's threshold is compared with. */
  @Column({ type: 'double precision' })
  confidence: number;

  @Column({ type: 'varchar', length: 16 })
  outcome: LabelOutcome;

  /** For edits: changed characters over both texts' length, in [0, 1]. */
  @Column({ name: 'edit_distance', type: 'double precision', nullable: true })
  editDistance: number | null;

  /** For recategorised: the category the reviewer named. */
  @Column({ name: 'corrected_category', type: 'varchar', length: 64, nullable: true })
  correctedCategory: string | null;

  /** The run was an audit sample: it would have gone out alone. */
  @Column({ name: 'audit_sample', type: 'boolean', default: false })
  auditSample: boolean;

  @Column({ type: 'boolean' })
  success: boolean;

  /** The offline model version that classified the run; the gate learns per version. Null for other models. */
  @Column({ name: 'model_version', type: 'int', nullable: true })
  modelVersion: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
