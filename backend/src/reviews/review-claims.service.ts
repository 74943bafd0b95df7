import { Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth/principal';
import { ReviewersService } from '../auth/reviewers.service';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { claimOf } from './claim-row';
import { ReviewStreamService } from './review-stream.service';
import { ReviewRepository, type TaskClaimRow } from './review.repository';

/**
 * Claims keep two reviewers off the same item. A claim lasts REVIEW_CLAIM_MINUTES
 * (claiming again extends it); an expired claim can be taken by anyone. Deciding
 * does not need a claim: the first decision wins regardless.
 */
@Injectable()
export class ReviewClaimsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly reviews: ReviewRepository,
    private readonly reviewers: ReviewersService,
    private readonly stream: ReviewStreamService,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async claim(reviewId: string, principal: Principal) {
    this.requireReviewer(principal);
    return this.change(reviewId, principal, 'claimed', async (tx, task) => {
      const claim = claimOf(task);
      if (claim && claim.reviewerId !== principal.id) {
        throw new ConflictError(`${claim.reviewerName} is working on this review`, { claim });
      }
      await this.hold(tx, reviewId, principal.id);
    });
  }

  /** Gives up a claim; admins may release anyone's. */
  async release(reviewId: string, principal: Principal) {
    return this.change(reviewId, principal, 'released', async (tx, task) => {
      const claim = claimOf(task);
      if (claim && claim.reviewerId !== principal.id && principal.role !== 'admin') {
        throw new ConflictError(`${claim.reviewerName} holds this review`, { claim });
      }
      await this.reviews.releaseClaim(tx, reviewId);
    });
  }

  /** Admin: hands the review to another reviewer, whoever held it. */
  async assign(reviewId: string, reviewerId: string, principal: Principal) {
    return this.change(reviewId, principal, 'assigned', async (tx) => {
      if (!(await this.reviewers.isEnabled(reviewerId, tx)))
        throw new NotFoundError(`no enabled reviewer ${reviewerId}`);
      await this.hold(tx, reviewId, reviewerId);
    });
  }

  private requireReviewer(principal: Principal): void {
    if (principal.kind !== 'session') throw new ForbiddenError('claims belong to reviewer accounts; sign in');
  }

  private async hold(tx: Tx, reviewId: string, reviewerId: string): Promise<void> {
    await this.reviews.holdClaim(tx, reviewId, reviewerId, this.config.REVIEW_CLAIM_MINUTES);
  }

  /** Locks the pending task, applies `apply`, records and announces it, and returns the claim now in force. */
  private async change(
    reviewId: string,
    principal: Principal,
    what: 'claimed' | 'released' | 'assigned',
    apply: (tx: Tx, task: TaskClaimRow) => Promise<void>,
  ) {
    return this.uow.run(async (tx) => {
      const task = await this.reviews.claimRow(tx, reviewId, true);
      if (!task) throw new NotFoundError(`review ${reviewId} not found`);
      if (task.status !== 'pending') throw new ConflictError('this review is not waiting for a decision');
      await apply(tx, task);
      const claim = claimOf((await this.reviews.claimRow(tx, reviewId, true))!);
      await this.audit.record(tx, {
        actor: principal.email,
        action: `review.${what}`,
        entityType: 'review',
        entityId: reviewId,
        data: claim ? { reviewerId: claim.reviewerId, until: claim.until } : {},
      });
      await this.stream.publish(tx, what === 'released' ? 'review.released' : 'review.claimed', reviewId);
      return { claim };
    });
  }
}
