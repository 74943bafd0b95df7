import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { QueueModule } from '../queue/queue.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

@Module({ imports: [QueueModule, EventsModule], controllers: [DeadLettersController], providers: [DeadLettersService] })
export class DeadLettersModule {}
