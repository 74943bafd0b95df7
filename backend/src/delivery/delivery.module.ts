import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { OutboxService } from './outbox.service';

/** The outbox is shared; sending (mailer, delivery job) lives in the worker module. */
@Module({ imports: [RunsModule], providers: [OutboxService], exports: [OutboxService] })
export class DeliveryModule {}
