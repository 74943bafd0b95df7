import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { QueueModule } from '../queue/queue.module';
import { HistoryController } from './history.controller';
import { ReviewArticlesService } from './review-articles.service';
import { ReviewClaimsService } from './review-claims.service';
import { ReviewDeadlinesService } from './review-deadlines.service';
import { ReviewQueueRepository } from './review-queue.repository';
import { ReviewRecordsService } from './review-records.service';
import { ReviewStreamService } from './review-stream.service';
import { ReviewRepository } from './review.repository';
import { ReviewsController } from './reviews.controller';
import { ReviewsService } from './reviews.service';

/** Reviews on every surface: the queue, claims, decisions, deadlines and the live stream (Slack in slack/). */
@Module({
  imports: [DeliveryModule, QueueModule],
  controllers: [ReviewsController, HistoryController],
  providers: [
    ReviewRepository,
    ReviewQueueRepository,
    ReviewsService,
    ReviewRecordsService,
    ReviewClaimsService,
    ReviewStreamService,
    ReviewDeadlinesService,
    ReviewArticlesService,
  ],
  exports: [ReviewsService, ReviewDeadlinesService, ReviewStreamService, ReviewRepository],
})
export class ReviewsModule {}
