import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { DeliveriesController } from './deliveries.controller';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { UncertainDeliveriesService } from './uncertain-deliveries.service';

/**
 * The outbox and the operator queue of uncertain replies, in both roles; sending it (transports,
 * the delivery job) is in DeliveryWorkerModule.
 */
@Module({
  imports: [QueueModule],
  controllers: [DeliveriesController],
  providers: [OutboxRepository, OutboxService, UncertainDeliveriesService],
  exports: [OutboxRepository, OutboxService, UncertainDeliveriesService],
})
export class DeliveryModule {}
