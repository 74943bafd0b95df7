import { Module } from '@nestjs/common';
import { InboundModule } from './inbound.module';
import { ImapPollerService } from './imap/imap-poller.service';
import { SmtpListenerService } from './smtp/smtp-listener.service';

/** Inbound channels that are long-running listeners: worker role only, started on boot, closed on shutdown. */
@Module({
  imports: [InboundModule],
  providers: [SmtpListenerService, ImapPollerService],
})
export class InboundWorkerModule {}
