import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { WorkflowModule } from '../workflow/workflow.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';
import { RunDetailsService } from './run-details.service';
import { RunTimelineService } from './run-timeline.service';
import { RunsController } from './runs.controller';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Read models for operators and dashboards (runs, timelines, dead letters, stats), built from each owner's repository. */
@Module({
  imports: [WorkflowModule, ReviewsModule, DeliveryModule],
  controllers: [RunsController, DeadLettersController, StatsController],
  providers: [RunDetailsService, RunTimelineService, DeadLettersService, StatsService],
  exports: [StatsService],
})
export class QueriesModule {}
