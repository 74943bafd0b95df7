import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { DeadlineAction, ReviewRequest } from '@handoff/contracts';
import { ReviewerEntity } from '../auth/reviewer.entity';
import { WorkflowRunEntity } from '../workflow/workflow-run.entity';
import type { ReviewTaskStatus } from './review-status';

/**
 * The human half of a run: one per run, reused across redraft rounds. Sender,
 * subject, category and confidence are copied here so the queue sorts, filters
 * and searches one table with indexes (ix_review_tasks_search is a pg_trgm GIN
 * index over subject and sender, made by hand in the migration).
 */
@Entity({ name: 'review_tasks' })
@Index('ix_review_tasks_status_created', ['status', 'createdAt', 'id'])
@Index('ix_review_tasks_status_due', ['status', 'dueAt', 'id'])
@Index('ix_review_tasks_status_confidence', ['status', 'confidence', 'id'])
// Every column the queue's counts read (per category, channel and assignee), so each count is an index-only scan.
@Index('ix_review_tasks_status_facets', ['status', 'category', 'channel', 'claimedUntil', 'claimedBy'])
@Index('ix_review_tasks_search', { synchronize: false })
// The deadline sweeps read only pending tasks whose timer has not fired yet.
@Index('ix_review_tasks_remind_pending', ['remindAt'], { where: `status = 'pending' AND reminded_at IS NULL` })
@Index('ix_review_tasks_due_pending', ['dueAt'], { where: `status = 'pending' AND deadline_action_taken_at IS NULL` })
export class ReviewTaskEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('uq_review_tasks_run', { unique: true })
  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_review_tasks_run' })
  run?: WorkflowRunEntity;

  @Column({ type: 'varchar', length: 16 })
  status: ReviewTaskStatus;

  /** Matches ReviewRequest.round; a decision is for exactly one round. */
  @Column({ type: 'int' })
  round: number;

  /** The interrupt payload the graph raised for this round. */
  @Column({ type: 'jsonb' })
  request: ReviewRequest;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /** When the reminder is due (due_at minus the category's threshold); null: no reminder. */
  @Column({ name: 'remind_at', type: 'timestamptz', nullable: true })
  remindAt: Date | null;

  /** Set once, when the reminder fired (a `review.reminder` stream event went out with it). */
  @Column({ name: 'reminded_at', type: 'timestamptz', nullable: true })
  remindedAt: Date | null;

  /** The category's default action at due_at, fixed when the review opened. */
  @Column({ name: 'deadline_action', type: 'varchar', length: 16, default: 'escalate' })
  deadlineAction: DeadlineAction;

  /** Set once, when deadline_action was taken (a `review.overdue` stream event went out with it). */
  @Column({ name: 'deadline_action_taken_at', type: 'timestamptz', nullable: true })
  deadlineActionTakenAt: Date | null;

  /** Set when the review was escalated to the admin queue; it stays pending. */
  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true })
  escalatedAt: Date | null;

  @Column({ name: 'from_address', type: 'varchar', length: 320 })
  fromAddress: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'varchar', length: 64 })
  category: string;

  /** Where the message came in; every inbound event is an email today. */
  @Column({ type: 'varchar', length: 32 })
  channel: string;

  @Column({ type: 'double precision' })
  confidence: number;

  /** The reviewer holding the task until claimed_until; an expired claim holds nothing. */
  @Index('ix_review_tasks_claimed_by')
  @Column({ name: 'claimed_by', type: 'uuid', nullable: true })
  claimedBy: string | null;

  @ManyToOne(() => ReviewerEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'claimed_by', foreignKeyConstraintName: 'fk_review_tasks_claimed_by' })
  claimer?: ReviewerEntity;

  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
