import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ModelMetrics, ModelStage, ModelVersion } from '@handoff/contracts';
import type { Tx } from '../database/unit-of-work';
import { MODEL_STATE_MACHINE, type ModelStatus } from './model-status';
import { ModelVersionEntity, type Dataset, type StageRecords, type TrainingCounts } from './model-version.entity';

/** A version's row without its weights and dataset (large; read on their own). */
export type ModelRow = Omit<ModelVersionEntity, 'weights' | 'dataset'>;

/** Owns model_versions: the registry of offline model versions and the retraining pipeline's records. */
@Injectable()
export class ModelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(ModelVersionEntity);
  }

  list(): Promise<ModelRow[]> {
    return this.rows().find({ order: { version: 'DESC' } });
  }

  find(version: number, tx?: Tx): Promise<ModelRow | null> {
    return this.rows(tx).findOneBy({ version });
  }

  /** The active version; version 1 (the shipped model) when none is marked, which the migration prevents. */
  async activeVersion(tx?: Tx): Promise<number> {
    return (await this.rows(tx).findOneBy({ status: 'active' }))?.version ?? 1;
  }

  async weightsOf(version: number): Promise<Buffer | null> {
    const row = await this.rows()
      .createQueryBuilder('m')
      .select('m.weights', 'weights')
      .where('m.version = :version', { version })
      .getRawOne<{ weights: Buffer | null }>();
    return row?.weights ?? null;
  }

  async datasetOf(version: number): Promise<Dataset | null> {
    return (
      (await this.rows().findOne({ where: { version }, select: { version: true, dataset: true } }))?.dataset ?? null
    );
  }

  /** When the newest pipeline started (version 1's creation when none ran): labels after it are new. */
  async lastPipelineStart(): Promise<Date> {
    const [row] = await this.rows().find({ order: { version: 'DESC' }, take: 1 });
    return row?.createdAt ?? new Date(0);
  }

  /**
   * Opens the next version as a running candidate. Null when a pipeline is already at work (the partial
   * unique index decides, so two processes asking at once get one pipeline).
   */
  async openCandidate(
    trigger: 'schedule' | 'admin',
    triggeredBy: string | null,
    control: ModelVersion['control'],
  ): Promise<ModelRow | null> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('handoff.models'))`);
      const [running] = await tx.query(`SELECT version FROM model_versions WHERE pipeline = 'running'`);
      if (running) return null;
      const [{ next }] = await tx.query(`SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions`);
      const row = this.rows(tx).create({
        version: Number(next),
        id: randomUUID(),
        status: 'candidate',
        pipeline: 'running',
        trigger,
        triggeredBy,
        control,
        trainingCounts: {},
        metrics: null,
        reason: null,
        failedStage: null,
        stages: {},
        dataset: null,
        weights: null,
        finishedAt: null,
        activatedAt: null,
        retiredAt: null,
      });
      await this.rows(tx).save(row);
      return (await this.find(row.version, tx))!;
    });
  }

  /** Records a finished stage and what it produced, in one statement with the columns it fills. */
  async stageDone(
    version: number,
    stage: ModelStage,
    record: NonNullable<StageRecords[ModelStage]>,
    fill: {
      dataset?: Dataset;
      weights?: Buffer;
      trainingCounts?: TrainingCounts;
      metrics?: ModelMetrics;
      reason?: string;
    } = {},
  ): Promise<void> {
    await this.rows()
      .createQueryBuilder()
      .update()
      .set({
        stages: () => `stages || jsonb_build_object(:stage::text, :record::jsonb)`,
        ...fill,
      })
      .where('version = :version', { version })
      .setParameters({ stage, record: JSON.stringify(record) })
      .execute();
  }

  /** An attempt at a stage begins: recorded first, so the page shows it and a failure to write stops it early. */
  async stageStarted(version: number, stage: ModelStage, attempts: number): Promise<void> {
    const record = { status: 'running', attempts, at: new Date().toISOString(), output: null, error: null };
    await this.rows()
      .createQueryBuilder()
      .update()
      .set({ stages: () => `stages || jsonb_build_object(:stage::text, :record::jsonb)` })
      .where('version = :version', { version })
      .setParameters({ stage, record: JSON.stringify(record) })
      .execute();
  }

  /** A stage used its last attempt: the candidate is rejected with the stage's name and error. */
  async stageFailed(version: number, stage: ModelStage, record: NonNullable<StageRecords[ModelStage]>): Promise<void> {
    await this.rows()
      .createQueryBuilder()
      .update()
      .set({
        stages: () => `stages || jsonb_build_object(:stage::text, :record::jsonb)`,
        failedStage: stage,
        reason: `stage ${stage} failed after ${record.attempts} attempts: ${record.error ?? 'unknown error'}`,
        pipeline: 'failed',
        status: () => `CASE WHEN status = 'candidate' THEN 'rejected' ELSE status END`,
        finishedAt: () => 'now()',
      })
      .where('version = :version AND pipeline = :running', { version, running: 'running' })
      .setParameters({ stage, record: JSON.stringify(record) })
      .execute();
  }

  /** The gate said no: rejected with its reason, the pipeline finished. */
  async reject(version: number, reason: string): Promise<void> {
    await this.rows().update(
      { version, status: 'candidate' },
      { status: 'rejected', reason, pipeline: 'finished', finishedAt: new Date() },
    );
  }

  /** The pipeline is over for this version (after promote). */
  async finish(version: number, tx: Tx = this.dataSource.manager): Promise<void> {
    await this.rows(tx)
      .createQueryBuilder()
      .update()
      .set({ pipeline: 'finished', finishedAt: () => 'COALESCE(finished_at, now())' })
      .where('version = :version AND pipeline = :running', { version, running: 'running' })
      .execute();
  }

  /**
   * Makes `version` the active model: the current one retires, in the caller's transaction (with a lock
   * serialising activations). Returns the version it replaced, or null when `version` was already active.
   */
  async activate(tx: Tx, version: number): Promise<{ previous: number } | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('handoff.models.activate'))`);
    const target = await this.find(version, tx);
    if (!target || target.status === 'active') return null;
    if (!MODEL_STATE_MACHINE.canMove(target.status, 'active')) return null;
    const previous = await this.activeVersion(tx);
    const retired: ModelStatus = 'retired';
    await this.rows(tx).update({ status: 'active' }, { status: retired, retiredAt: new Date() });
    await this.rows(tx).update({ version }, { status: 'active', activatedAt: new Date(), retiredAt: null });
    return { previous };
  }
}
