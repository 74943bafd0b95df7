import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { JobTelemetry } from './job-telemetry.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RequestContextMiddleware } from './request-context.middleware';
import { LlmCallRepository } from './llm-call.repository';
import { StepObserver } from './step-observer.service';
import { Tracing } from './tracing';
import { WorkerMetricsServer } from './worker-metrics-server';

/** Metrics, tracing, request context and the LLM call log; global so any service can count and trace. */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static register(tracing: Tracing): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [QueueModule],
      controllers: [MetricsController],
      providers: [
        { provide: Tracing, useValue: tracing },
        MetricsService,
        JobTelemetry,
        LlmCallRepository,
        StepObserver,
        WorkerMetricsServer,
      ],
      exports: [Tracing, MetricsService, JobTelemetry, StepObserver, LlmCallRepository],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
