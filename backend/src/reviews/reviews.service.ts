import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import { ApprovalRefusedError, approvedReply } from '@handoff/graphs';
import type { DecisionInput, DecisionSurface, ReviewActionInput, ReviewRequest } from '@handoff/contracts';
import type { ResumeDecision } from '@handoff/graphs';
import { AuditRepository } from '../audit/audit.repository';
import { CalibrationService } from '../calibration/calibration.service';
import { CLOCK, type Clock } from '../common/clock';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/domain-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { OutboxService } from '../delivery/outbox.service';
import { addToWorkContext } from '../observability/context';
import { MetricsService, shareInFlight } from '../observability/metrics.service';
import { Tracing } from '../observability/tracing';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { REVIEW_RUNS, type ReviewRuns } from './ports';
import { reviewDeadline } from './review-deadline';
import { ReviewStreamService } from './review-stream.service';
import { ReviewRepository } from './review.repository';

export interface DecisionOutcome {
  decisionId: string;
  reviewId: string;
  runId: string;
  action: ReviewActionInput['action'];
  actor: string;
  decidedAt: Date;
}

/** Who the review's message is from and where it came in, copied onto the task for the queue. */
export interface ReviewOrigin {
  fromAddress: string;
  subject: string;
  channel: string;
}

@Injectable()
export class ReviewsService implements OnModuleInit {
  private readonly logger = new Logger('Reviews');
  /** The taxonomy's keys: what a category correction may name. */
  private readonly taxonomy: Set<string>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly reviews: ReviewRepository,
    @Inject(REVIEW_RUNS) private readonly runs: ReviewRuns,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueueService,
    private readonly audit: AuditRepository,
    private readonly stream: ReviewStreamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
    private readonly calibration: CalibrationService,
  ) {
    this.taxonomy = new Set(config.TAXONOMY.map(({ key }) => key));
  }

  onModuleInit(): void {
    // The three review gauges are collected together on a scrape: they share one query.
    const stats = shareInFlight(() => this.reviews.pendingStats());
    this.metrics.supply('handoff_review_queue_depth', async () => (await stats()).pending);
    this.metrics.supply('handoff_reviews_overdue', async () => (await stats()).overdue);
    this.metrics.supply('handoff_review_oldest_pending_age_seconds', async () => (await stats()).oldestAge);
  }

  /**
   * Records the review a graph interrupt asked for, in the caller's transaction. Idempotent:
   * re-recording the same round changes nothing, a new round (after a redraft) reopens the task.
   */
  async recordInterrupt(tx: Tx, request: ReviewRequest, origin: ReviewOrigin): Promise<void> {
    const deadline = reviewDeadline(this.config, request.classification.category, this.clock.now());
    const opened = await this.reviews.openRound(tx, {
      id: randomUUID(),
      request,
      dueAt: deadline.dueAt,
      remindAt: deadline.remindAt,
      deadlineAction: deadline.action,
      fromAddress: origin.fromAddress,
      subject: origin.subject,
      channel: origin.channel,
    });
    if (!opened) return;
    if (request.auditSample && request.round === 0) {
      this.metrics.auditSamples.inc({ category: request.classification.category });
    }
    await this.audit.record(tx, {
      actor: 'system',
      action: 'review.opened',
      entityType: 'review',
      entityId: opened,
      data: { runId: request.runId, round: request.round, reasons: request.reasons },
    });
    await this.stream.publish(tx, 'review.opened', opened);
  }

  /**
   * Applies a reviewer's decision. The task row is locked and must still be
   * pending for the round, so the first decision wins on every surface; for
   * approve and edit the outbox row is written in the same transaction.
   */
  decide(reviewId: string, input: DecisionInput, actor: string, surface: DecisionSurface): Promise<DecisionOutcome> {
    return this.act(reviewId, input, actor, surface);
  }

  /**
   * A reviewer names the message's real category: recorded like a decision (first one wins, audited,
   * labelled), the run redrafts for that category without using a redraft, and the same review opens
   * its next round with the new draft. Until then it shows as redrafting.
   */
  correctCategory(reviewId: string, category: string, actor: string, surface: DecisionSurface) {
    return this.act(reviewId, { action: 'recategorise', category }, actor, surface);
  }

  private async act(
    reviewId: string,
    input: ReviewActionInput,
    actor: string,
    surface: DecisionSurface,
  ): Promise<DecisionOutcome> {
    const { outcome, outboundId, openedAt, failedAudit } = await this.uow.run(async (tx) => {
      const task = await this.reviews.lock(tx, reviewId);
      if (!task) throw new NotFoundError(`review ${reviewId} not found`);
      addToWorkContext({ runId: task.runId });
      if (task.status === 'superseded') {
        const superseding = await this.runs.supersedingRunOf(task.runId);
        throw new ConflictError(
          'the customer wrote again: this review was closed and a newer draft answers the whole conversation',
          {
            decision: null,
            ...(superseding && {
              superseded: {
                reason: 'customer_wrote_again',
                runId: superseding.runId,
                at: superseding.at.toISOString(),
              },
            }),
          },
        );
      }
      if (task.status !== 'pending') {
        const earlier = await this.reviews.lastDecision(task.id, tx);
        throw new ConflictError('this review was already decided', {
          decision: earlier && {
            action: earlier.action,
            actor: earlier.actor,
            surface: earlier.surface,
            decidedAt: earlier.decidedAt,
          },
        });
      }
      if (input.action === 'redraft' && task.request.redraftsRemaining <= 0) {
        throw new UnprocessableError('no redrafts remain for this review; approve, edit or reject it');
      }
      if (input.action === 'recategorise') this.checkCorrection(task.request, input.category);
      const draft = task.request.draft;
      const reply = this.approvedReply(draft, input, actor);
      const decision = await this.reviews.decide(
        tx,
        task,
        {
          id: randomUUID(),
          taskId: task.id,
          round: task.round,
          actor,
          surface,
          action: input.action,
          draftText: draft,
          finalText: reply?.text ?? null,
          diff:
            input.action === 'edit'
              ? createTwoFilesPatch('draft', 'final', `${draft}\n`, `${input.text}\n`, '', '', { context: 3 })
              : null,
          reason: input.action === 'reject' ? input.reason : null,
          feedback: input.action === 'redraft' ? input.feedback : null,
          category: input.action === 'recategorise' ? input.category : null,
          // What this approval binds to; delivery checks the reply against it right before sending.
          approvalHash: reply ? await this.outbox.approvalHashFor(tx, task.runId, reply.text) : null,
        },
        input.action === 'redraft' || input.action === 'recategorise' ? 'redrafting' : 'decided',
      );
      // The label of this round, in the decision's transaction: what the reviewer made of the draft.
      const label = await this.calibration.recordLabel(tx, {
        decisionId: decision.id,
        reviewId: task.id,
        request: { ...task.request, auditSample: task.request.auditSample ?? false },
        action: input.action,
        finalText: reply?.text ?? null,
        correctedCategory: input.action === 'recategorise' ? input.category : null,
      });
      // The decision goes into the trail before the reply it asks for, so the trail reads in that order.
      await this.audit.record(tx, {
        actor,
        action: `review.${input.action}`,
        entityType: 'review',
        entityId: task.id,
        data: {
          runId: task.runId,
          round: task.round,
          surface,
          decisionId: decision.id,
          ...(input.action === 'recategorise'
            ? { from: task.request.classification.category, to: input.category }
            : {}),
        },
      });
      const outboundId = reply ? await this.outbox.requestReplyIn(tx, { runId: task.runId, ...reply }) : null;
      await this.stream.publish(tx, 'review.decided', task.id);
      return {
        outboundId,
        failedAudit: label.failedAudit,
        openedAt: task.createdAt,
        outcome: {
          decisionId: decision.id,
          reviewId: task.id,
          runId: task.runId,
          action: input.action,
          actor,
          decidedAt: decision.decidedAt,
        },
      };
    });
    this.metrics.reviewDecisionSeconds.observe(
      { action: outcome.action },
      (outcome.decidedAt.getTime() - openedAt.getTime()) / 1000,
    );
    // The decision joins the run's own trace (started at ingest), and so do the jobs it queues.
    const traceParent = await this.runs.traceParentOf(outcome.runId);
    await this.tracing.inSpan(
      'review decision',
      { 'handoff.run_id': outcome.runId, 'handoff.action': outcome.action, 'handoff.surface': surface },
      async () => {
        await this.jobs.enqueue(JOBS.resumeRun, { runId: outcome.runId, decisionId: outcome.decisionId });
        if (outboundId) await this.jobs.enqueue(JOBS.deliverReply, { outboundId });
      },
      traceParent ? this.tracing.extract({ traceparent: traceParent }) : undefined,
    );
    // A failed audit may mean the category no longer meets its target: check at once, not at the next interval.
    if (failedAudit) {
      this.calibration.recompute('system').catch((error: Error) => {
        this.logger.warn(`recompute after a failed audit: ${error.message}`);
      });
    }
    return outcome;
  }

  /** Locks the run's review (if it has one) for the transaction: a superseding follow-up takes it before the run. */
  lockTaskOfRun(tx: Tx, runId: string) {
    return this.reviews.lockByRun(tx, runId);
  }

  /** Closes the run's pending or redrafting review because the customer wrote again; a decided one stays as it is. */
  async closeSuperseded(tx: Tx, reviewId: string, runId: string, byRunId: string): Promise<void> {
    if (!(await this.reviews.closeSuperseded(tx, reviewId))) return;
    await this.audit.record(tx, {
      actor: 'system',
      action: 'review.superseded',
      entityType: 'review',
      entityId: reviewId,
      data: { runId, supersededBy: byRunId },
    });
    await this.stream.publish(tx, 'review.superseded', reviewId);
  }

  /** The value the graph's review interrupt is resumed with for this decision. */
  async resumeDecision(decisionId: string): Promise<ResumeDecision> {
    const decision = await this.reviews.getDecision(decisionId);
    const who = { actor: decision.actor, surface: decision.surface, round: decision.round };
    switch (decision.action) {
      case 'approve':
        return { action: 'approve', ...who };
      case 'edit':
        return { action: 'edit', text: decision.finalText ?? '', ...who };
      case 'reject':
        return { action: 'reject', reason: decision.reason ?? '', ...who };
      case 'redraft':
        return { action: 'redraft', feedback: decision.feedback ?? '', ...who };
      case 'recategorise':
        return { action: 'recategorise', category: decision.category ?? '', ...who };
    }
  }

  private checkCorrection(request: ReviewRequest, category: string): void {
    if (!this.taxonomy.has(category)) {
      throw new UnprocessableError(`"${category}" is not a category; use one of ${[...this.taxonomy].join(', ')}`);
    }
    if (category === request.classification.category) {
      throw new UnprocessableError(`the review is already in ${category}`);
    }
  }

  /** Decisions whose resume job may have been lost, for the sweeper. */
  decisionsNotResumed(graceSeconds: number, limit: number) {
    return this.reviews.decisionsNotResumed(graceSeconds, limit);
  }

  private approvedReply(draft: string, input: ReviewActionInput, actor: string) {
    try {
      return approvedReply(draft, input, actor);
    } catch (error) {
      if (error instanceof ApprovalRefusedError) throw new UnprocessableError((error as Error).message);
      throw error;
    }
  }
}
