import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { deserializeModel, LinearClassifier, loadLinearModel, type VersionedClassifier } from '@handoff/graphs';
import { CalibrationService } from '../calibration/calibration.service';
import { PeriodicTask } from '../common/periodic';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { NotificationListener } from '../database/notifications';
import { MetricsService } from '../observability/metrics.service';
import type { ActiveClassifier } from '../workflow/ports';
import { ModelsRepository } from './models.repository';

/** pg_notify channel: a version became active (payload: its number). Every API and worker process listens. */
export const MODEL_ACTIVATED_CHANNEL = 'handoff_model_activated';
/** A notification lost while the LISTEN connection was down is caught by this check. */
const RECHECK_MS = 30_000;

/**
 * The classifier this process uses for new runs, swapped without restart when another version becomes
 * active (pg_notify from whichever process activated it). A run reads it once when it classifies and keeps
 * that version. Whatever goes wrong loading a version, the process keeps the model it had: version 1, the
 * shipped model, is always there to fall back on.
 */
@Injectable()
export class ActiveModelService implements ActiveClassifier, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ActiveModel');
  private serving?: VersionedClassifier;
  private listener?: NotificationListener;
  private loading: Promise<void> = Promise.resolve();
  private readonly periodic = new PeriodicTask(
    () => this.refresh(),
    (error) => this.logger.warn(`model recheck failed: ${error.message}`),
  );

  constructor(
    private readonly repository: ModelsRepository,
    private readonly calibration: CalibrationService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.listener = new NotificationListener(this.config.DATABASE_URL, MODEL_ACTIVATED_CHANNEL, () => {
      void this.refresh();
    });
    await this.listener.start();
    await this.refresh();
    this.periodic.start(RECHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
    await this.listener?.stop();
  }

  /** The classifier for a new classification, and its version. */
  current(): VersionedClassifier {
    this.serving ??= { version: 1, classifier: new LinearClassifier(loadLinearModel()) };
    return this.serving;
  }

  get servingVersion(): number {
    return this.serving?.version ?? 1;
  }

  /** Loads the active version if it is not the one serving; serialised, so two notifications load once. */
  refresh(): Promise<void> {
    this.loading = this.loading
      .then(() => this.load())
      .catch((error: Error) => {
        this.logger.error(`could not load the active model; keeping version ${this.servingVersion}: ${error.message}`);
      });
    return this.loading;
  }

  private async load(): Promise<void> {
    const version = await this.repository.activeVersion();
    if (this.serving?.version === version) return;
    this.serving = { version, classifier: await this.classifierOf(version) };
    // The gate learns per offline model version only while the offline model is the one classifying.
    if (this.config.LLM_PROVIDER === 'local') this.calibration.useModelVersion(version);
    this.metrics.modelServing.set(version);
    this.logger.log(`classifying with model version ${version}`);
  }

  /** Version 1 is the build's model.json; later versions carry their weights in the registry. */
  async classifierOf(version: number): Promise<LinearClassifier> {
    if (version === 1) return new LinearClassifier(loadLinearModel());
    const weights = await this.repository.weightsOf(version);
    if (!weights) throw new Error(`model version ${version} has no weights`);
    return new LinearClassifier(deserializeModel(weights));
  }
}
