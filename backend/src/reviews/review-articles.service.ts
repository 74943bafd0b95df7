import { Inject, Injectable } from '@nestjs/common';
import type { Article, SaveReplyAsArticleInputSchema } from '@handoff/contracts';
import type { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { REVIEW_ARTICLES, type ReviewArticles } from './ports';
import { ReviewRepository } from './review.repository';

export type SaveReplyInput = z.output<typeof SaveReplyAsArticleInputSchema>;

/** A language tag the knowledge base accepts, from the classifier's guess; English when it is not one. */
const articleLanguage = (language: string) => (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language) ? language : 'en');

/**
 * "Save as article": the reply a reviewer approved (as drafted or edited) becomes a knowledge article in
 * one step, so what one person knew answers the next customer too.
 */
@Injectable()
export class ReviewArticlesService {
  constructor(
    private readonly reviews: ReviewRepository,
    @Inject(REVIEW_ARTICLES) private readonly articles: ReviewArticles,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Only a decided review whose last decision sent a reply (approve or edit) has a reply to keep; only an
   * admin or the reviewer who made that decision may publish it, since an article steers every later draft.
   */
  async save(reviewId: string, input: SaveReplyInput, principal: Principal): Promise<Article> {
    const task = await this.reviews.find(reviewId);
    if (!task) throw new NotFoundError(`review ${reviewId} not found`);
    const decision = task.status === 'decided' ? await this.reviews.lastDecision(task.id) : null;
    if (!decision || (decision.action !== 'approve' && decision.action !== 'edit') || !decision.finalText) {
      throw new ConflictError('only an approved or edited reply can be saved as an article');
    }
    if (principal.role !== 'admin' && principal.email !== decision.actor) {
      throw new ForbiddenError('only an administrator or the reviewer who approved the reply can save it');
    }
    return this.articles.saveReply(
      {
        title: input.title,
        tags: input.tags,
        body: decision.finalText,
        language: articleLanguage(task.request.classification.language),
        key: `review:${task.id}`,
      },
      principal.email,
      (tx, articleId) =>
        this.audit.record(tx, {
          actor: principal.email,
          action: 'review.saved_as_article',
          entityType: 'review',
          entityId: task.id,
          data: { runId: task.runId, articleId, decisionId: decision.id },
        }),
    );
  }
}
