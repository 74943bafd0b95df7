import { Global, Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { OutboxRepository } from '../delivery/outbox.repository';
import { EmbeddingsService } from './embeddings.service';
import { KnowledgeController } from './knowledge.controller';
import { KnowledgeRepository } from './knowledge.repository';
import { KnowledgeService } from './knowledge.service';
import { APPROVED_REPLIES, type ApprovedReplies } from './ports';
import { RetrievalService } from './retrieval.service';

/**
 * The knowledge base: articles, versions, chunks and retrieval. Global so the graph (workflow) and the
 * review surfaces (save as article) reach it without importing it into every module.
 */
@Global()
@Module({
  imports: [DeliveryModule],
  controllers: [KnowledgeController],
  providers: [
    KnowledgeRepository,
    KnowledgeService,
    EmbeddingsService,
    RetrievalService,
    {
      provide: APPROVED_REPLIES,
      useFactory: (outbox: OutboxRepository): ApprovedReplies => ({
        similar: (words, limit) => outbox.similarApproved(words, limit),
      }),
      inject: [OutboxRepository],
    },
  ],
  exports: [KnowledgeService, RetrievalService],
})
export class KnowledgeModule {}
