import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { DigestController } from './digest.controller';
import { DigestRepository } from './digest.repository';
import { DigestService } from './digest.service';

/** The daily digest's row per day and the admin's send route, in both roles; sending is DigestWorkerModule. */
@Module({
  imports: [QueueModule],
  controllers: [DigestController],
  providers: [DigestRepository, DigestService],
  exports: [DigestRepository],
})
export class DigestModule {}
