import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { DecisionAction, DecisionSurface } from '@handoff/contracts';
import { ReviewTaskEntity } from './review-task.entity';

/** A reviewer's decision. The unique (task, round) pair is what makes the first decision win. */
@Entity({ name: 'review_decisions' })
@Index('uq_review_decisions_task_round', ['taskId', 'round'], { unique: true })
@Index('ix_review_decisions_decided', ['decidedAt', 'id'])
export class ReviewDecisionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @ManyToOne(() => ReviewTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'fk_review_decisions_task' })
  task?: ReviewTaskEntity;

  @Column({ type: 'int' })
  round: number;

  @Column({ type: 'varchar', length: 320 })
  actor: string;

  @Column({ type: 'varchar', length: 16 })
  surface: DecisionSurface;

  @Column({ type: 'varchar', length: 16 })
  action: DecisionAction;

  /** The draft the reviewer saw. */
  @Column({ name: 'draft_text', type: 'text' })
  draftText: string;

  /** What goes out, for approve and edit. */
  @Column({ name: 'final_text', type: 'text', nullable: true })
  finalText: string | null;

  /** Unified diff of draft against final text, for edit. */
  @Column({ type: 'text', nullable: true })
  diff: string | null;

  /**
   * For approve and edit: the hash of what was approved (final text, recipient, subject and the latest inbound
   * message of the thread; delivery/approval-binding.ts). The outbox row carries the same hash and delivery
   * recomputes it right before sending.
   */
  @Column({ name: 'approval_hash', type: 'varchar', length: 64, nullable: true })
  approvalHash: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true })
  feedback: string | null;

  /** For recategorise: the category the reviewer named. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @CreateDateColumn({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}
