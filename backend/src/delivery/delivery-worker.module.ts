import { Module } from '@nestjs/common';
import { CallbackTransport } from './callback-transport';
import { DeliveryModule } from './delivery.module';
import { DeliveryService } from './delivery.service';
import { DevMailController } from './dev-mail.controller';
import { MailerService } from './mailer.service';
import { SentFolderService } from './sent-folder.service';
import { SlackReplyTransport } from './slack/slack-reply-transport';

/** Sending replies: the transports and the delivery job. Worker role only, so an API process never sends. */
@Module({
  imports: [DeliveryModule],
  controllers: [DevMailController],
  providers: [MailerService, CallbackTransport, SlackReplyTransport, SentFolderService, DeliveryService],
  exports: [MailerService],
})
export class DeliveryWorkerModule {}
