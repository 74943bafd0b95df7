import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WorkflowRunEntity } from './workflow-run.entity';

/** One graph node execution, for the run timeline. */
@Entity({ name: 'run_steps' })
@Index('ix_run_steps_run_started', ['runId', 'startedAt'])
export class RunStepEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_run_steps_run' })
  run?: WorkflowRunEntity;

  @Column({ type: 'varchar', length: 64 })
  node: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt: Date;
}
