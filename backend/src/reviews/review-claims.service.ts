import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { CLAIM_JOIN, CLAIM_SELECT, claimOf, type ClaimRow } from './claim-row';
import { ReviewStreamService } from './review-stream.service';

interface TaskClaimRow extends ClaimRow {
  status: string;
}

/**
 * Claims keep two reviewers off the same item. A claim lasts REVIEW_CLAIM_MINUTES
 * (claiming again extends it); an expired claim can be taken by anyone. Deciding
 * does not need a claim: the first decision wins regardless.
 */
@Injectable()
export class ReviewClaimsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stream: ReviewStreamService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async claim(reviewId: string, principal: Principal) {
    this.requireReviewer(principal);
    return this.change(reviewId, principal, 'claimed', async (manager, task) => {
      const claim = claimOf(task);
      if (claim && claim.reviewerId !== principal.id) {
        throw new ConflictException({ message: `${claim.reviewerName} is working on this review`, claim });
      }
      await this.hold(manager, reviewId, principal.id);
    });
  }

  /** Gives up a claim; admins may release anyone's. */
  async release(reviewId: string, principal: Principal) {
    return this.change(reviewId, principal, 'released', async (manager, task) => {
      const claim = claimOf(task);
      if (claim && claim.reviewerId !== principal.id && principal.role !== 'admin') {
        throw new ConflictException({ message: `${claim.reviewerName} holds this review`, claim });
      }
      await manager.query(`UPDATE review_tasks SET claimed_by = NULL, claimed_until = NULL WHERE id = $1`, [reviewId]);
    });
  }

  /** Admin: hands the review to another reviewer, whoever held it. */
  async assign(reviewId: string, reviewerId: string, principal: Principal) {
    return this.change(reviewId, principal, 'assigned', async (manager) => {
      const [reviewer] = await manager.query(`SELECT 1 FROM reviewers WHERE id = $1 AND disabled_at IS NULL`, [
        reviewerId,
      ]);
      if (!reviewer) throw new NotFoundException(`no enabled reviewer ${reviewerId}`);
      await this.hold(manager, reviewId, reviewerId);
    });
  }

  private requireReviewer(principal: Principal): void {
    if (principal.kind !== 'session') throw new ForbiddenException('claims belong to reviewer accounts; sign in');
  }

  private async hold(manager: EntityManager, reviewId: string, reviewerId: string): Promise<void> {
    await manager.query(
      `UPDATE review_tasks SET claimed_by = $2, claimed_until = now() + make_interval(mins => $3) WHERE id = $1`,
      [reviewId, reviewerId, this.config.REVIEW_CLAIM_MINUTES],
    );
  }

  /** Locks the pending task, applies `apply`, records and announces it, and returns the claim now in force. */
  private async change(
    reviewId: string,
    principal: Principal,
    what: 'claimed' | 'released' | 'assigned',
    apply: (manager: EntityManager, task: TaskClaimRow) => Promise<void>,
  ) {
    return this.dataSource.transaction(async (manager) => {
      const read = async () =>
        (
          (await manager.query(
            `SELECT t.status, ${CLAIM_SELECT} FROM review_tasks t ${CLAIM_JOIN} WHERE t.id = $1 FOR UPDATE OF t`,
            [reviewId],
          )) as TaskClaimRow[]
        )[0];
      const task = await read();
      if (!task) throw new NotFoundException(`review ${reviewId} not found`);
      if (task.status !== 'pending') throw new ConflictException('this review is not waiting for a decision');
      await apply(manager, task);
      const claim = claimOf((await read())!);
      await this.audit.record(manager, {
        actor: principal.email,
        action: `review.${what}`,
        entityType: 'review',
        entityId: reviewId,
        data: claim ? { reviewerId: claim.reviewerId, until: claim.until } : {},
      });
      await this.stream.publish(manager, what === 'released' ? 'review.released' : 'review.claimed', reviewId);
      return { claim };
    });
  }
}
