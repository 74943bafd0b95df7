import { Module } from '@nestjs/common';
import { ImapPollerService } from './imap/imap-poller.service';
import { IngestModule } from './ingest.module';
import { SmtpListenerService } from './smtp/smtp-listener.service';

/** Inbound channels that are long-running listeners: worker role only, started on boot, closed on shutdown. */
@Module({
  imports: [IngestModule],
  providers: [SmtpListenerService, ImapPollerService],
})
export class IngestListenersModule {}
