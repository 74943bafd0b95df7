import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WorkflowRunEntity } from '../workflow/workflow-run.entity';

/** One LLM request made by a graph node, for the run timeline. Never the prompt or the answer. */
@Entity({ name: 'llm_calls' })
@Index('ix_llm_calls_run_started', ['runId', 'startedAt'])
export class LlmCallEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_llm_calls_run' })
  run?: WorkflowRunEntity;

  @Column({ type: 'varchar', length: 64 })
  node: string;

  @Column({ type: 'varchar', length: 128 })
  model: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'latency_ms', type: 'int' })
  latencyMs: number;

  @Column({ name: 'prompt_tokens', type: 'int', nullable: true })
  promptTokens: number | null;

  @Column({ name: 'completion_tokens', type: 'int', nullable: true })
  completionTokens: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
