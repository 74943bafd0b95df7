import { Global, Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { CONVERSATIONS } from '../delivery/ports';
import { REVIEW_MESSAGES } from '../reviews/ports';
import { RUN_INPUTS } from '../workflow/ports';
import { WorkflowModule } from '../workflow/workflow.module';
import { ConversationsService } from './conversations.service';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { InboundEventRepository } from './inbound-event.repository';
import { InboundService } from './inbound.service';
import { InboundController } from './providers/inbound.controller';
import { InboundProvidersService } from './providers/inbound-providers.service';
import { SesInboundService } from './providers/ses/ses-inbound.service';
import { SnsHttp } from './providers/ses/sns-http';
import { IngestRateLimitGuard } from './rate-limit.guard';
import { ParseWorkersLifecycle } from '../ingest-safety/ingest-parsers';
import { ReplayTokenRepository } from './replay-token.repository';
import { ThreadHistory } from './thread-history';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Every way events arrive (our JSON/MIME route, provider webhooks, Standard Webhooks;
 * the SMTP and IMAP listeners in IngestListenersModule), all through InboundService.accept.
 * Global because it implements the ports later stages declare for reading events.
 */
@Global()
@Module({
  imports: [WorkflowModule, DeliveryModule],
  controllers: [EventsController, InboundController, WebhooksController],
  providers: [
    InboundEventRepository,
    ReplayTokenRepository,
    EventsService,
    InboundService,
    InboundProvidersService,
    SesInboundService,
    SnsHttp,
    WebhooksService,
    IngestRateLimitGuard,
    ParseWorkersLifecycle,
    ThreadHistory,
    ConversationsService,
    { provide: RUN_INPUTS, useExisting: ConversationsService },
    { provide: CONVERSATIONS, useExisting: ConversationsService },
    { provide: REVIEW_MESSAGES, useExisting: ConversationsService },
  ],
  exports: [InboundService, InboundEventRepository, RUN_INPUTS, CONVERSATIONS, REVIEW_MESSAGES],
})
export class IngestModule {}
