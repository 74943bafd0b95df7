import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_TAXONOMY, shippedTrainingExamples } from '@handoff/graphs';
import type { ModelList, ModelVersion, RetrainInput } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { CalibrationService } from '../calibration/calibration.service';
import { ConflictError, NotFoundError, UnavailableError } from '../common/domain-errors';
import { notify } from '../database/notifications';
import { UnitOfWork } from '../database/unit-of-work';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { ActiveModelService, MODEL_ACTIVATED_CHANNEL } from './active-model.service';
import { MODEL_STATE_MACHINE } from './model-status';
import type { TrainingCounts } from './model-version.entity';
import { ModelsRepository, type ModelRow } from './models.repository';

let shippedCounts: TrainingCounts | undefined;
/** What version 1 learned from: the shipped files, counted once per process. */
function shippedTrainingCounts(): TrainingCounts {
  shippedCounts ??= Object.fromEntries(
    DEFAULT_TAXONOMY.map(({ key }) => [key, { traffic: 0, shipped: 0 }]),
  ) as TrainingCounts;
  if (Object.values(shippedCounts).every((count) => count.shipped === 0)) {
    for (const { label } of shippedTrainingExamples()) {
      const count = (shippedCounts[label] ??= { traffic: 0, shipped: 0 });
      count.shipped += 1;
    }
  }
  return shippedCounts;
}

export function toModelVersion(row: ModelRow): ModelVersion {
  return {
    version: row.version,
    status: row.status,
    pipeline: row.pipeline,
    trigger: row.trigger,
    triggeredBy: row.triggeredBy,
    control: row.control,
    trainingCounts: row.version === 1 ? shippedTrainingCounts() : row.trainingCounts,
    metrics: row.metrics,
    reason: row.reason,
    failedStage: row.failedStage,
    stages: row.stages,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    activatedAt: row.activatedAt?.toISOString() ?? null,
    retiredAt: row.retiredAt?.toISOString() ?? null,
  };
}

/** The model registry as people use it: the list, a retrain on request, activating a version (audited). */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger('Models');

  constructor(
    private readonly repository: ModelsRepository,
    private readonly active: ActiveModelService,
    private readonly calibration: CalibrationService,
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueueService,
  ) {}

  async list(): Promise<ModelList> {
    const rows = await this.repository.list();
    return {
      active: rows.find((row) => row.status === 'active')?.version ?? 1,
      serving: this.active.servingVersion,
      items: rows.map(toModelVersion),
    };
  }

  async get(version: number): Promise<ModelVersion> {
    const row = await this.repository.find(version);
    if (!row) throw new NotFoundError(`model version ${version} does not exist`);
    return toModelVersion(row);
  }

  /** Opens a candidate and queues its first stage; one pipeline at a time. */
  async retrain(trigger: 'schedule' | 'admin', actor: string | null, input: RetrainInput = {}): Promise<ModelVersion> {
    const row = await this.repository.openCandidate(trigger, actor, input.control ?? null);
    if (!row) throw new ConflictError('a retraining pipeline is already running; wait for it to finish');
    await this.uow.run((tx) =>
      this.audit.record(tx, {
        actor: actor ?? 'system',
        action: 'model.retrain',
        entityType: 'model',
        entityId: row.id,
        data: { version: row.version, trigger, control: input.control ?? null },
      }),
    );
    // Never lost: the pipeline's resume check queues the next stage of a running pipeline again.
    if (!(await this.jobs.enqueue(JOBS.modelStage, { version: row.version, stage: 'collect' }))) {
      this.logger.warn(`retrain of version ${row.version} queued later: Redis did not take the job`);
    }
    return toModelVersion(row);
  }

  /**
   * Makes `version` the model for new runs in every process (pg_notify), audited; runs in flight keep the
   * version they were classified with. The learned gate then recomputes from that version's labels only.
   */
  async activate(version: number, actor: string, cause: 'promoted' | 'admin'): Promise<ModelVersion> {
    const row = await this.repository.find(version);
    if (!row) throw new NotFoundError(`model version ${version} does not exist`);
    if (row.status !== 'active') {
      if (row.pipeline === 'running' && cause === 'admin') {
        throw new ConflictError(`model version ${version} is still in its pipeline`);
      }
      if (row.pipeline === 'failed') throw new ConflictError(`model version ${version} failed in ${row.failedStage}`);
      if (!MODEL_STATE_MACHINE.canMove(row.status, 'active')) {
        throw new ConflictError(`model version ${version} is ${row.status} and cannot be activated`);
      }
    }
    const swapped = await this.uow.run(async (tx) => {
      const change = await this.repository.activate(tx, version);
      if (!change) return null;
      if (cause === 'promoted') await this.repository.finish(version, tx);
      await this.audit.record(tx, {
        actor,
        action: cause === 'promoted' ? 'model.promoted' : 'model.activated',
        entityType: 'model',
        entityId: row.id,
        data: { version, previous: change.previous },
      });
      await notify(tx, MODEL_ACTIVATED_CHANNEL, String(version));
      return change;
    });
    if (swapped) {
      // This process swaps now (the others on the notification); then the gate relearns for the version.
      await this.active.refresh();
      await this.calibration.recompute(actor).catch((error: Error) => {
        throw new UnavailableError(
          `model ${version} is active, but the calibration recompute failed: ${error.message}`,
        );
      });
    }
    return this.get(version);
  }
}
