import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { WebhooksController } from '../webhooks/webhooks.controller';
import { WebhooksService } from '../webhooks/webhooks.service';
import { IngestRateLimitGuard } from '../rate-limit/rate-limit.guard';
import { InboundController } from './inbound.controller';
import { InboundProvidersService } from './inbound-providers.service';
import { InboundService } from './inbound.service';
import { SesInboundService } from './ses/ses-inbound.service';
import { SnsHttp } from './ses/sns-http';

/** Every way mail and events arrive besides our own JSON route. */
@Module({
  imports: [EventsModule],
  controllers: [InboundController, WebhooksController],
  providers: [
    InboundService,
    InboundProvidersService,
    SesInboundService,
    SnsHttp,
    WebhooksService,
    IngestRateLimitGuard,
  ],
  exports: [InboundService],
})
export class InboundModule {}
