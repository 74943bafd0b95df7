import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { CircuitState } from 'cockatiel';
import { Pool } from 'pg';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { createEmailTriageGraph, type TriageModel } from '@handoff/graphs';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { guardPoolErrors } from '../database/pool-errors';
import { CHECKPOINT_SCHEMA } from '../database/setup';
import { OutboxService } from '../delivery/outbox.service';
import { RetrievalService } from '../knowledge/retrieval.service';
import { MetricsService } from '../observability/metrics.service';
import { FollowUpsService } from './follow-ups.service';
import { ResilientTriageModel } from './resilient-model';
import { ACTIVE_CLASSIFIER, AUTO_SEND_GATE, type ActiveClassifier, type AutoSendGate } from './ports';
import { buildTriageModel, buildTriagePolicy } from './triage-model.factory';

/** The gauge's encoding of cockatiel's states; an isolated breaker counts as open. */
const CIRCUIT_GAUGE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

function compileTriageGraph(ports: Parameters<typeof createEmailTriageGraph>[0], checkpointer: PostgresSaver) {
  return createEmailTriageGraph(ports).compile({ checkpointer });
}
export type CompiledTriageGraph = ReturnType<typeof compileTriageGraph>;

/** The email triage graph compiled once per worker, checkpointing to Postgres. */
@Injectable()
export class TriageGraphService implements OnModuleDestroy {
  readonly graph: CompiledTriageGraph;
  readonly model: TriageModel;
  private readonly checkpointer: PostgresSaver;
  private readonly logger = new Logger(TriageGraphService.name);

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    outbox: OutboxService,
    metrics: MetricsService,
    knowledge: RetrievalService,
    @Inject(AUTO_SEND_GATE) gate: AutoSendGate,
    followUps: FollowUpsService,
    @Optional() @Inject(ACTIVE_CLASSIFIER) activeClassifier?: ActiveClassifier,
  ) {
    const pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: config.CHECKPOINT_POOL_SIZE,
      application_name: 'handoff-checkpoints',
    });
    guardPoolErrors(pool, (error) => this.logger.warn(`checkpoint pool: ${error.message}`));
    this.checkpointer = new PostgresSaver(pool, undefined, { schema: CHECKPOINT_SCHEMA });
    this.model = buildTriageModel(config, activeClassifier);
    if (this.model instanceof ResilientTriageModel) {
      const gauge = metrics.llmCircuitState.labels({ model: this.model.name });
      gauge.set(CIRCUIT_GAUGE_VALUE[this.model.circuitState]);
      this.model.onCircuitStateChange((state) => gauge.set(CIRCUIT_GAUGE_VALUE[state]));
    }
    this.graph = compileTriageGraph(
      {
        model: this.model,
        policy: buildTriagePolicy(config),
        outbox,
        followUps,
        clock: { now: () => new Date() },
        knowledge,
        gate,
      },
      this.checkpointer,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.checkpointer.end();
  }
}
