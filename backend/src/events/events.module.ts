import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { EventsController } from './events.controller';
import { IngestRateLimitGuard } from '../rate-limit/rate-limit.guard';
import { EventsService } from './events.service';
import { ParseWorkersLifecycle } from '../ingest-safety/ingest-parsers';

@Module({
  imports: [QueueModule],
  controllers: [EventsController],
  providers: [EventsService, IngestRateLimitGuard, ParseWorkersLifecycle],
  exports: [EventsService],
})
export class EventsModule {}
