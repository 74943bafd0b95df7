import { Module } from '@nestjs/common';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** The outbox, in both roles; sending it (transports, the delivery job) is in DeliveryWorkerModule. */
@Module({ providers: [OutboxRepository, OutboxService], exports: [OutboxRepository, OutboxService] })
export class DeliveryModule {}
