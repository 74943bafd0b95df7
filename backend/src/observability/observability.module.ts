import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { JobTelemetry } from './job-telemetry.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RequestContextMiddleware } from './request-context.middleware';
import { RunTimelineController, RunTimelineService } from './run-timeline';
import { StepObserver } from './step-observer.service';
import { Tracing } from './tracing';
import { WorkerMetricsServer } from './worker-metrics-server';

/** Metrics, tracing, request context and the run timeline; global so any service can count and trace. */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static register(tracing: Tracing): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [QueueModule],
      controllers: [MetricsController, RunTimelineController],
      providers: [
        { provide: Tracing, useValue: tracing },
        MetricsService,
        JobTelemetry,
        RunTimelineService,
        StepObserver,
        WorkerMetricsServer,
      ],
      exports: [Tracing, MetricsService, JobTelemetry, StepObserver],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('{*path}');
  }
}
