import { Global, Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { OutboxRepository } from '../delivery/outbox.repository';
import { EmbeddingsService } from './embeddings.service';
import { KnowledgeController } from './knowledge.controller';
import { KnowledgeRepository } from './knowledge.repository';
import { KnowledgeService } from './knowledge.service';
import { REVIEW_ARTICLES, type ReviewArticles } from '../reviews/ports';
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
    {
      provide: REVIEW_ARTICLES,
      useFactory: (knowledge: KnowledgeService): ReviewArticles => ({
        saveReply: (reply, actor, alsoInTx) =>
          knowledge.createFromReply({ ...reply, format: 'text', url: null }, actor, alsoInTx),
      }),
      inject: [KnowledgeService],
    },
  ],
  exports: [KnowledgeService, RetrievalService, REVIEW_ARTICLES],
})
export class KnowledgeModule {}
