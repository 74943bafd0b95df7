import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Citation, Classification, ReviewReason, Routing } from '@handoff/contracts';
import { InboundEventEntity } from '../ingest/inbound-event.entity';
import type { FollowUpDecision } from './follow-up-policy';
import type { RunStatus } from './run-status';

/** One execution of a workflow graph for one event; thread_id of its checkpoints is this id. */
@Entity({ name: 'workflow_runs' })
@Index('ix_workflow_runs_status_updated', ['status', 'updatedAt'])
// Retention reads finished runs whose checkpoints are still there.
@Index('ix_workflow_runs_unpruned', ['finishedAt'], {
  where: 'checkpoints_pruned_at IS NULL AND finished_at IS NOT NULL',
})
export class WorkflowRunEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('uq_workflow_runs_event', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @ManyToOne(() => InboundEventEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_workflow_runs_event' })
  event?: InboundEventEntity;

  @Column({ name: 'graph_name', type: 'varchar', length: 64 })
  graphName: string;

  @Column({ name: 'graph_version', type: 'int' })
  graphVersion: number;

  @Column({ type: 'varchar', length: 24 })
  status: RunStatus;

  @Column({ name: 'model_name', type: 'varchar', length: 128, nullable: true })
  modelName: string | null;

  @Column({ type: 'jsonb', nullable: true })
  classification: Classification | null;

  /** The offline model version that classified the run (models/); null for other models. */
  @Column({ name: 'model_version', type: 'int', nullable: true })
  modelVersion: number | null;

  @Column({ type: 'double precision', nullable: true })
  confidence: number | null;

  @Column({ name: 'confidence_reasons', type: 'jsonb', nullable: true })
  confidenceReasons: string[] | null;

  @Column({ name: 'review_reasons', type: 'jsonb', nullable: true })
  reviewReasons: ReviewReason[] | null;

  /** The route step's decision with its threshold, mode and audit flag. */
  @Column({ type: 'jsonb', nullable: true })
  routing: Routing | null;

  @Column({ type: 'text', nullable: true })
  draft: string | null;

  /** The knowledge passages the draft cites (title, link and passage text). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  citations: Citation[];

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /**
   * What the follow-up policy decided for this run's message (workflow/follow-up-policy.ts): none (no earlier
   * run of its conversation was open) · supersede · queue · ignore. Null until its follow_up step ran.
   */
  @Column({ name: 'follow_up', type: 'varchar', length: 16, nullable: true })
  followUp: FollowUpDecision | null;

  /** The run that took over this run's conversation when the customer wrote again (status superseded). */
  @Index('ix_workflow_runs_superseded_by')
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true })
  supersededBy: string | null;

  @Column({ name: 'failed_step', type: 'varchar', length: 64, nullable: true })
  failedStep: string | null;

  /** W3C traceparent of the ingest request, so work done later (a decision, a replay) joins its trace. */
  @Column({ name: 'trace_parent', type: 'varchar', length: 128, nullable: true })
  traceParent: string | null;

  /** Set once the start job is known to be in the queue; the sweeper re-enqueues rows left null. */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true })
  enqueuedAt: Date | null;

  /** The worker executing the run right now; see RunLeases. Null when no one holds it. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 128, nullable: true })
  leaseOwner: string | null;

  /** After this instant the lease is free to take, so a crashed worker's run is picked up again. */
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** When retention deleted this run's LangGraph checkpoints; the run can no longer be replayed. */
  @Column({ name: 'checkpoints_pruned_at', type: 'timestamptz', nullable: true })
  checkpointsPrunedAt: Date | null;
}
