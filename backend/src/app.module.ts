import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { Clock } from './common/clock';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ConfigModule } from './config/config.module';
import { slackEnabled, type AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeliveryModule } from './delivery/delivery.module';
import { EventsModule } from './events/events.module';
import { GraphDrawingModule } from './graph-drawing/graph-drawing.module';
import { HealthModule } from './health/health.module';
import { InboundModule } from './inbound/inbound.module';
import { ObservabilityModule } from './observability/observability.module';
import type { Tracing } from './observability/tracing';
import { QueueModule } from './queue/queue.module';
import { ReviewsModule } from './reviews/reviews.module';
import { RunsModule } from './runs/runs.module';
import { SlackModule } from './slack/slack.module';
import { StatsModule } from './stats/stats.module';
import { WorkerModule } from './worker/worker.module';

/** The same modules serve both roles; the worker role adds the queue processors. */
@Module({})
export class AppModule {
  static register(config: AppConfig, tracing: Tracing, clock?: Clock): DynamicModule {
    const domain: Type[] = [
      AuditModule,
      QueueModule,
      EventsModule,
      RunsModule,
      ReviewsModule,
      DeliveryModule,
      DeadLettersModule,
      HealthModule,
      StatsModule,
      GraphDrawingModule,
      InboundModule,
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
        ...(config.APP_ROLE === 'api' ? [] : [WorkerModule]),
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
