import { Module } from '@nestjs/common';
import { DeliveryWorkerModule } from '../delivery/delivery-worker.module';
import { QueriesModule } from '../queries/queries.module';
import { QueueModule } from '../queue/queue.module';
import { DigestModule } from './digest.module';
import { DigestScheduler } from './digest-scheduler';
import { DigestSender } from './digest-sender.service';

/** Worker role: the schedule and the send job (figures from the queries read model, out through the mailer and Slack). */
@Module({
  imports: [DigestModule, QueriesModule, DeliveryWorkerModule, QueueModule],
  providers: [DigestSender, DigestScheduler],
})
export class DigestWorkerModule {}
