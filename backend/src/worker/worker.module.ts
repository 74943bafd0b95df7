import { Module } from '@nestjs/common';
import { CallbackTransport } from '../delivery/callback-transport';
import { DeliveryModule } from '../delivery/delivery.module';
import { DeliveryProcessor } from '../delivery/delivery.processor';
import { DeliveryService } from '../delivery/delivery.service';
import { DevMailController } from '../delivery/dev-mail.controller';
import { MailerService } from '../delivery/mailer.service';
import { SlackReplyTransport } from '../delivery/slack-reply-transport';
import { EventsModule } from '../events/events.module';
import { InboundWorkerModule } from '../inbound/inbound-worker.module';
import { QueueModule } from '../queue/queue.module';
import { RetentionModule } from '../retention/retention.module';
import { ReviewsModule } from '../reviews/reviews.module';
import { RunsModule } from '../runs/runs.module';
import { SweeperService } from '../workflow/sweeper.service';
import { TriageGraphService } from '../workflow/triage-graph.service';
import { WorkflowProcessor } from '../workflow/workflow.processor';
import { WorkflowRunner } from '../workflow/workflow-runner.service';

/**
 * Everything that does work off the queue. Loaded only in the worker role, so
 * an API-only process never runs graphs, sends mail or sweeps.
 */
@Module({
  imports: [QueueModule, RunsModule, ReviewsModule, DeliveryModule, EventsModule, InboundWorkerModule, RetentionModule],
  controllers: [DevMailController],
  providers: [
    TriageGraphService,
    WorkflowRunner,
    WorkflowProcessor,
    MailerService,
    CallbackTransport,
    SlackReplyTransport,
    DeliveryService,
    DeliveryProcessor,
    SweeperService,
  ],
  exports: [MailerService],
})
export class WorkerModule {}
