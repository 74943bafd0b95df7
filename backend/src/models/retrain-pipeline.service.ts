import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  dedupeKey,
  deserializeModel,
  exampleText,
  gateDecision,
  LinearClassifier,
  scoreClassifier,
  shippedEvalExamples,
  shippedTrainingExamples,
  trainCandidateInThread,
  type LabelledExample,
} from '@handoff/graphs';
import { MODEL_STAGES, type ModelStage } from '@handoff/contracts';
import { CalibrationService } from '../calibration/calibration.service';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { MetricsService } from '../observability/metrics.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS, type JobPayload } from '../queue/jobs';
import { OnJob, type JobContext } from '../queue/on-job';
import { RUN_INPUTS, type RunInputs } from '../workflow/ports';
import { buildTriagePolicy } from '../workflow/triage-model.factory';
import { RunRepository } from '../workflow/run.repository';
import { ActiveModelService } from './active-model.service';
import type { Dataset, DatasetExample, TrainingCounts } from './model-version.entity';
import { ModelsNotifier } from './models-notifier.service';
import { ModelsRepository, type ModelRow } from './models.repository';
import { ModelsService } from './models.service';

/** How often a worker checks for a running pipeline whose next job Redis lost. */
const RESUME_CHECK_MS = 60_000;

const toLabelled = (examples: DatasetExample[]): LabelledExample[] =>
  examples.map(({ text, label }) => ({ text, label }));

type StageOutput = Record<string, unknown>;

/**
 * The retraining pipeline, run by workers one stage per job: collect → train → evaluate → register → promote.
 * Each stage reads what the stages before it stored on the version's row and stores its own output there, so
 * a stage run twice (a retry, a duplicated job) redoes nothing that is recorded done. A stage's last failed
 * attempt rejects the candidate with the stage's name; the active model never changes on the way.
 */
@Injectable()
export class RetrainPipeline implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RetrainPipeline');
  private readonly resumer = new PeriodicTask(
    () => this.resumeRunning(),
    (error) => this.logger.warn(`pipeline resume check failed: ${error.message}`),
  );

  constructor(
    private readonly repository: ModelsRepository,
    private readonly models: ModelsService,
    private readonly active: ActiveModelService,
    private readonly calibration: CalibrationService,
    private readonly runs: RunRepository,
    @Inject(RUN_INPUTS) private readonly inputs: RunInputs,
    private readonly jobs: JobQueueService,
    private readonly notifier: ModelsNotifier,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.resumeRunning().catch((error: Error) => this.logger.warn(`pipeline resume failed: ${error.message}`));
    this.resumer.start(RESUME_CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.resumer.stop();
  }

  /** The schedule fired: retrain only once enough new category labels arrived since the last pipeline. */
  @OnJob(JOBS.modelRetrainScheduled)
  async scheduled(): Promise<string> {
    const since = await this.repository.lastPipelineStart();
    const fresh = await this.calibration.countCategoryLabelsSince(since);
    if (fresh < this.config.MODEL_RETRAIN_MIN_NEW_LABELS) {
      return `skipped: ${fresh} new labels, fewer than ${this.config.MODEL_RETRAIN_MIN_NEW_LABELS}`;
    }
    try {
      const row = await this.models.retrain('schedule', null);
      return `started version ${row.version} on ${fresh} new labels`;
    } catch (error) {
      return `skipped: ${(error as Error).message}`;
    }
  }

  @OnJob(JOBS.modelStage)
  async stageJob({ version, stage }: JobPayload<typeof JOBS.modelStage>, context: JobContext): Promise<string> {
    const row = await this.repository.find(version);
    if (!row || row.pipeline !== 'running') return `version ${version}: no pipeline running`;
    const attempts = context.job.attemptsMade + 1;
    if (row.stages[stage]?.status !== 'done') {
      try {
        await this.repository.stageStarted(version, stage, attempts);
        await this.runStage(row, stage, attempts);
      } catch (error) {
        const message = (error as Error).message.slice(0, 1_000);
        this.logger.warn(`model ${version} stage ${stage} attempt ${attempts} failed: ${message}`);
        if (context.lastAttempt) await this.fail(row, stage, attempts, message);
        throw error;
      }
    }
    const after = await this.repository.find(version);
    const next = MODEL_STAGES[MODEL_STAGES.indexOf(stage) + 1];
    if (after?.pipeline === 'running' && next) await this.jobs.enqueue(JOBS.modelStage, { version, stage: next });
    return `version ${version}: ${stage} done`;
  }

  private async runStage(row: ModelRow, stage: ModelStage, attempts: number): Promise<void> {
    const started = Date.now();
    const done = (output: StageOutput) => ({
      status: 'done' as const,
      attempts,
      at: new Date().toISOString(),
      output: { ...output, seconds: Number(((Date.now() - started) / 1000).toFixed(2)) },
      error: null,
    });
    switch (stage) {
      case 'collect': {
        const { dataset, output } = await this.collect();
        await this.repository.stageDone(row.version, stage, done(output), { dataset });
        return;
      }
      case 'train': {
        const { weights, trainingCounts, output } = await this.train(row);
        await this.repository.stageDone(row.version, stage, done(output), { weights, trainingCounts });
        return;
      }
      case 'evaluate': {
        const metrics = await this.evaluate(row.version);
        const output = { holdoutMacroF1: metrics.holdout.macroF1, evalMacroF1: metrics.eval.macroF1 };
        await this.repository.stageDone(row.version, stage, done(output), { metrics });
        return;
      }
      case 'register': {
        const fresh = (await this.repository.find(row.version))!;
        if (!fresh.metrics) throw new Error('no metrics: the evaluate stage has not stored any');
        const { baseline, ...candidate } = fresh.metrics;
        const decision = gateDecision(candidate, baseline, {
          margin: this.config.MODEL_PROMOTION_MARGIN,
          maxRecallDrop: this.config.MODEL_MAX_RECALL_DROP,
          minHoldout: this.config.MODEL_MIN_HOLDOUT,
        });
        await this.repository.stageDone(
          row.version,
          stage,
          done({ promote: decision.promote, worstRecallChange: decision.recallChanges[0] ?? null }),
          { reason: decision.reason },
        );
        if (!decision.promote) {
          await this.repository.reject(row.version, decision.reason);
          this.metrics.modelPipelineOutcomes.inc({ outcome: 'rejected' });
          await this.notifier.tell((await this.repository.find(row.version))!);
        }
        return;
      }
      case 'promote': {
        await this.models.activate(row.version, 'model-pipeline', 'promoted');
        await this.repository.stageDone(row.version, stage, done({ active: row.version }));
        // A retry after a crash between activation and here finds the version active already: finish anyway.
        await this.repository.finish(row.version);
        this.metrics.modelPipelineOutcomes.inc({ outcome: 'promoted' });
        await this.notifier.tell((await this.repository.find(row.version))!);
        return;
      }
    }
  }

  /**
   * Labelled runs: a category confirmed by an unedited approval or set by a correction (the latest per run),
   * minus runs flagged abusive and duplicate texts; the most recent share is the holdout.
   */
  private async collect(): Promise<{ dataset: Dataset; output: StageOutput }> {
    const labels = await this.calibration.categoryLabels();
    const latest = new Map<string, { label: string; at: Date }>();
    for (const row of labels) {
      latest.set(row.runId, {
        label: row.outcome === 'recategorised' ? row.correctedCategory! : row.category,
        at: new Date(row.createdAt),
      });
    }
    const refs = await this.runs.trainingRefs([...latest.keys()]);
    const known = new Set(this.calibrationTaxonomy());
    let abusive = 0;
    let duplicates = 0;
    const byText = new Map<string, DatasetExample>();
    for (const ref of refs) {
      const label = latest.get(ref.id)!;
      if (!known.has(label.label)) continue;
      if (ref.riskFlags.includes('abusive')) {
        abusive += 1;
        continue;
      }
      const message = await this.inputs.messageFor(ref.eventId);
      const text = exampleText(message.subject, message.text);
      const key = dedupeKey(text);
      const example = { runId: ref.id, text, label: label.label, labelledAt: label.at.toISOString() };
      const seen = byText.get(key);
      if (seen) duplicates += 1;
      if (!seen || seen.labelledAt < example.labelledAt) byText.set(key, example);
    }
    const examples = [...byText.values()].sort((a, b) => a.labelledAt.localeCompare(b.labelledAt));
    const held = examples.length < 2 ? 0 : Math.max(1, Math.round(examples.length * this.config.MODEL_HOLDOUT_SHARE));
    const dataset = {
      train: examples.slice(0, examples.length - held),
      holdout: examples.slice(examples.length - held),
    };
    return {
      dataset,
      output: {
        labels: labels.length,
        train: dataset.train.length,
        holdout: dataset.holdout.length,
        duplicates,
        abusive,
      },
    };
  }

  private calibrationTaxonomy(): string[] {
    return buildTriagePolicy(this.config).taxonomy.map(({ key }) => key);
  }

  private async train(
    row: ModelRow,
  ): Promise<{ weights: Buffer; trainingCounts: TrainingCounts; output: StageOutput }> {
    const dataset = await this.repository.datasetOf(row.version);
    if (!dataset) throw new Error('no dataset: the collect stage has not stored one');
    const shipped = shippedTrainingExamples();
    const traffic = toLabelled(dataset.train);
    const { model: weights, features } = await trainCandidateInThread(traffic, {
      trafficWeight: this.config.MODEL_TRAFFIC_WEIGHT,
      shuffleLabels: row.control === 'shuffled-labels',
    });
    const trainingCounts: TrainingCounts = {};
    for (const { label } of shipped) (trainingCounts[label] ??= { traffic: 0, shipped: 0 }).shipped += 1;
    for (const { label } of traffic) (trainingCounts[label] ??= { traffic: 0, shipped: 0 }).traffic += 1;
    return {
      weights,
      trainingCounts,
      output: { shipped: shipped.length, traffic: traffic.length, features, bytes: weights.length },
    };
  }

  /** The candidate and the model active now, on the same holdout and the shipped evaluation set. */
  private async evaluate(version: number) {
    const dataset = await this.repository.datasetOf(version);
    const weights = await this.repository.weightsOf(version);
    if (!dataset || !weights) throw new Error('no dataset or weights: collect and train must run first');
    const candidate = new LinearClassifier(deserializeModel(weights));
    const baselineVersion = await this.repository.activeVersion();
    const baseline = await this.active.classifierOf(baselineVersion);
    const holdout = toLabelled(dataset.holdout);
    const evalSet = shippedEvalExamples();
    return {
      holdout: scoreClassifier(candidate, holdout),
      eval: scoreClassifier(candidate, evalSet),
      baseline: {
        version: baselineVersion,
        holdout: scoreClassifier(baseline, holdout),
        eval: scoreClassifier(baseline, evalSet),
      },
    };
  }

  private async fail(row: ModelRow, stage: ModelStage, attempts: number, error: string): Promise<void> {
    await this.repository.stageFailed(row.version, stage, {
      status: 'failed',
      attempts,
      at: new Date().toISOString(),
      output: null,
      error,
    });
    this.metrics.modelPipelineFailures.inc({ stage });
    this.metrics.modelPipelineOutcomes.inc({ outcome: 'failed' });
    await this.notifier.tell((await this.repository.find(row.version))!).catch(() => undefined);
  }

  /** A running pipeline whose job Redis lost (or never took) gets its next stage queued again. */
  private async resumeRunning(): Promise<void> {
    for (const row of await this.repository.list()) {
      if (row.pipeline !== 'running') continue;
      const next = MODEL_STAGES.find((stage) => row.stages[stage]?.status !== 'done');
      if (next) await this.jobs.enqueue(JOBS.modelStage, { version: row.version, stage: next });
    }
  }
}
