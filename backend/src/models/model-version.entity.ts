import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ModelMetrics, ModelStage, ModelStatus, ModelVersion } from '@handoff/contracts';

export type StageRecords = ModelVersion['stages'];
export type TrainingCounts = ModelVersion['trainingCounts'];

/** A labelled run as the collect stage stored it: what the train and evaluate stages read. */
export interface DatasetExample {
  runId: string;
  text: string;
  label: string;
  labelledAt: string;
}

/** The collect stage's output: the training examples and the time-ordered holdout (the most recent). */
export interface Dataset {
  train: DatasetExample[];
  holdout: DatasetExample[];
}

/**
 * One version of the offline model. Version 1 is the shipped model (its weights are the build's model.json,
 * so `weights` is null); later versions come from the retraining pipeline, which records each stage here.
 */
@Entity({ name: 'model_versions' })
// One active model, one pipeline at work.
@Index('uq_model_versions_active', ['status'], { unique: true, where: `status = 'active'` })
@Index('uq_model_versions_running', ['pipeline'], { unique: true, where: `pipeline = 'running'` })
export class ModelVersionEntity {
  @PrimaryColumn({ type: 'int' })
  version: number;

  /** For the audit log, whose entity ids are uuids. */
  @Index('uq_model_versions_id', { unique: true })
  @Column({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  status: ModelStatus;

  @Column({ type: 'varchar', length: 16 })
  pipeline: ModelVersion['pipeline'];

  @Column({ type: 'varchar', length: 16 })
  trigger: ModelVersion['trigger'];

  @Column({ name: 'triggered_by', type: 'varchar', length: 320, nullable: true })
  triggeredBy: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  control: ModelVersion['control'];

  @Column({ name: 'training_counts', type: 'jsonb', default: () => "'{}'" })
  trainingCounts: TrainingCounts;

  @Column({ type: 'jsonb', nullable: true })
  metrics: ModelMetrics | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'failed_stage', type: 'varchar', length: 16, nullable: true })
  failedStage: ModelStage | null;

  /** Each stage's record: done or failed, attempts, its output (figures) or error. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  stages: StageRecords;

  /** The collect stage's output. */
  @Column({ type: 'jsonb', nullable: true })
  dataset: Dataset | null;

  /** The train stage's output: the serialized model (model.json's format). Null for the shipped model. */
  @Column({ type: 'bytea', nullable: true, select: false })
  weights: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
