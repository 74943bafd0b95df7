import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CalibrationModule } from './calibration/calibration.module';
import type { Clock } from './common/clock';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ConfigModule } from './config/config.module';
import { slackEnabled, type AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { DeliveryWorkerModule } from './delivery/delivery-worker.module';
import { DeliveryModule } from './delivery/delivery.module';
import { DigestWorkerModule } from './digest/digest-worker.module';
import { DigestModule } from './digest/digest.module';
import { GraphDrawingModule } from './graph-drawing/graph-drawing.module';
import { HealthModule } from './health/health.module';
import { IngestListenersModule } from './ingest/ingest-listeners.module';
import { IngestModule } from './ingest/ingest.module';
import { KnowledgeModule } from './knowledge/knowledge.module';
import { ModelsWorkerModule } from './models/models-worker.module';
import { ModelsModule } from './models/models.module';
import { ObservabilityModule } from './observability/observability.module';
import type { Tracing } from './observability/tracing';
import { QueriesModule } from './queries/queries.module';
import { JobWorkersModule } from './queue/job-workers.module';
import { QueueModule } from './queue/queue.module';
import { ReviewsModule } from './reviews/reviews.module';
import { SlackModule } from './reviews/slack/slack.module';
import { WorkflowWorkerModule } from './workflow/workflow-worker.module';
import { WorkflowModule } from './workflow/workflow.module';

/**
 * The same modules serve both roles, in flow order: ingest → workflow → reviews → delivery,
 * then the read models and the digest. The worker role adds what executes work: listeners, the graph runner, senders.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig, tracing: Tracing, clock?: Clock): DynamicModule {
    const domain: Type[] = [
      AuditModule,
      QueueModule,
      IngestModule,
      KnowledgeModule,
      WorkflowModule,
      ReviewsModule,
      CalibrationModule,
      ModelsModule,
      DeliveryModule,
      QueriesModule,
      DigestModule,
      HealthModule,
      GraphDrawingModule,
    ];
    const worker = [
      IngestListenersModule,
      WorkflowWorkerModule,
      DeliveryWorkerModule,
      DigestWorkerModule,
      ModelsWorkerModule,
      JobWorkersModule.register(config),
    ];
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config, clock),
        DatabaseModule,
        AuthModule,
        ObservabilityModule.register(tracing),
        ...domain,
        // Off entirely without Slack settings: no client, no route, no jobs.
        ...(slackEnabled(config) ? [SlackModule.register(config)] : []),
        ...(config.APP_ROLE === 'api' ? [] : worker),
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
