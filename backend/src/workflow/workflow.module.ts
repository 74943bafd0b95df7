import { Global, Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { DELIVERY_RUNS } from '../delivery/ports';
import { QueueModule } from '../queue/queue.module';
import { REVIEW_RUNS } from '../reviews/ports';
import { RunReplayService } from './run-replay.service';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';

/**
 * Runs: their table, state machine and replay, in both roles. Global because it
 * implements the ports reviews and delivery declare for moving runs.
 * The graph runner and sweeper are in WorkflowWorkerModule.
 */
@Global()
@Module({
  imports: [QueueModule, DeliveryModule],
  providers: [
    RunRepository,
    RunsService,
    RunReplayService,
    { provide: REVIEW_RUNS, useExisting: RunsService },
    { provide: DELIVERY_RUNS, useExisting: RunsService },
  ],
  exports: [RunRepository, RunsService, RunReplayService, REVIEW_RUNS, DELIVERY_RUNS],
})
export class WorkflowModule {}
