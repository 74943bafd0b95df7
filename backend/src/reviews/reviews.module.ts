import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { QueueModule } from '../queue/queue.module';
import { RunsModule } from '../runs/runs.module';
import { HistoryController } from './history.controller';
import { ReviewClaimsService } from './review-claims.service';
import { ReviewDeadlinesService } from './review-deadlines.service';
import { ReviewQueueService } from './review-queue.service';
import { ReviewRecordsService } from './review-records.service';
import { ReviewStreamService } from './review-stream.service';
import { ReviewsController } from './reviews.controller';
import { ReviewsService } from './reviews.service';

@Module({
  imports: [RunsModule, DeliveryModule, QueueModule],
  controllers: [ReviewsController, HistoryController],
  providers: [
    ReviewsService,
    ReviewQueueService,
    ReviewRecordsService,
    ReviewClaimsService,
    ReviewStreamService,
    ReviewDeadlinesService,
  ],
  exports: [ReviewsService, ReviewDeadlinesService, ReviewStreamService],
})
export class ReviewsModule {}
