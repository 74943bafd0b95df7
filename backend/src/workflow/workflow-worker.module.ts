import { FollowUpsService } from './follow-ups.service';
import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { QueueModule } from '../queue/queue.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { CheckpointRetentionService } from './checkpoint-retention.service';
import { RunLeases } from './run-leases.service';
import { SweeperService } from './sweeper.service';
import { TriageGraphService } from './triage-graph.service';
import { WorkflowRunner } from './workflow-runner.service';
import { WorkflowModule } from './workflow.module';

/**
 * Executing runs: the compiled graph, its runner (with the run jobs' handlers), the sweeper
 * that rebuilds lost jobs, and checkpoint retention. Worker role only.
 */
@Module({
  imports: [QueueModule, WorkflowModule, ReviewsModule, DeliveryModule],
  providers: [
    FollowUpsService,
    TriageGraphService,
    RunLeases,
    WorkflowRunner,
    SweeperService,
    CheckpointRetentionService,
  ],
})
export class WorkflowWorkerModule {}
