import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { createTwoFilesPatch } from 'diff';
import { DataSource } from 'typeorm';
import type { DecisionInput, DecisionSurface, ReviewRequest } from '@handoff/contracts';
import { REVIEWER_NOTE_MARKER } from '@handoff/graphs';
import { AuditService } from '../audit/audit.service';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { OutboxService } from '../delivery/outbox.service';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { Tracing } from '../observability/tracing';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { RunsService } from '../runs/runs.service';
import { WorkflowRunEntity } from '../runs/workflow-run.entity';
import { reviewDeadline } from './review-deadline';
import { ReviewDecisionEntity } from './review-decision.entity';
import { ReviewStreamService } from './review-stream.service';
import { ReviewTaskEntity } from './review-task.entity';

export interface DecisionOutcome {
  decisionId: string;
  reviewId: string;
  runId: string;
  action: DecisionInput['action'];
  actor: string;
  decidedAt: Date;
}

@Injectable()
export class ReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunsService,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueueService,
    private readonly audit: AuditService,
    private readonly stream: ReviewStreamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {}

  /**
   * Records the review a graph interrupt asked for. Idempotent: re-recording the
   * same round changes nothing, a new round (after a redraft) reopens the task.
   */
  async recordInterrupt(request: ReviewRequest): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const deadline = reviewDeadline(this.config, request.classification.category, this.clock.now());
      // Events posted to /webhooks/:source are stored with source "webhook:<name>"; every other source is mail.
      // A new round keeps the first round's deadline: the customer has been waiting since the review opened.
      const result = await manager.query(
        `INSERT INTO review_tasks (id, run_id, status, round, request, due_at, version,
                                   from_address, subject, category, channel, confidence,
                                   remind_at, deadline_action)
         SELECT $1, $2, 'pending', $3, $4, $5, 1, e.from_address, e.subject, $6,
                CASE WHEN e.source LIKE 'webhook:%' THEN 'webhook' ELSE 'email' END, $7, $8, $9
         FROM workflow_runs r JOIN inbound_events e ON e.id = r.event_id WHERE r.id = $2
         ON CONFLICT (run_id) DO UPDATE
           SET status = 'pending', round = EXCLUDED.round, request = EXCLUDED.request,
               category = EXCLUDED.category, confidence = EXCLUDED.confidence,
               decided_at = NULL, claimed_by = NULL, claimed_until = NULL,
               version = review_tasks.version + 1, updated_at = now()
           WHERE review_tasks.round < EXCLUDED.round
         RETURNING id`,
        [
          randomUUID(),
          request.runId,
          request.round,
          JSON.stringify(request),
          deadline.dueAt,
          request.classification.category,
          request.confidence,
          deadline.remindAt,
          deadline.action,
        ],
      );
      await this.runs.transition(manager, request.runId, 'awaiting_review');
      if (result.length) {
        await this.audit.record(manager, {
          actor: 'system',
          action: 'review.opened',
          entityType: 'review',
          entityId: result[0].id,
          data: { runId: request.runId, round: request.round, reasons: request.reasons },
        });
        await this.stream.publish(manager, 'review.opened', result[0].id);
      }
    });
  }

  /**
   * Applies a reviewer's decision. The task row is locked and must still be
   * pending for the round, so the first decision wins on every surface; for
   * approve and edit the outbox row is written in the same transaction.
   */
  async decide(
    reviewId: string,
    input: DecisionInput,
    actor: string,
    surface: DecisionSurface,
  ): Promise<DecisionOutcome> {
    const { outcome, outboundId, openedAt } = await this.dataSource.transaction(async (manager) => {
      const task = await manager
        .getRepository(ReviewTaskEntity)
        .createQueryBuilder('task')
        .setLock('pessimistic_write')
        .where('task.id = :reviewId', { reviewId })
        .getOne();
      if (!task) throw new NotFoundException(`review ${reviewId} not found`);
      addToWorkContext({ runId: task.runId });
      if (task.status !== 'pending') {
        const earlier = await manager.findOne(ReviewDecisionEntity, {
          where: { taskId: task.id },
          order: { round: 'DESC' },
        });
        throw new ConflictException({
          message: 'this review was already decided',
          decision: earlier && {
            action: earlier.action,
            actor: earlier.actor,
            surface: earlier.surface,
            decidedAt: earlier.decidedAt,
          },
        });
      }
      if (input.action === 'redraft' && task.request.redraftsRemaining <= 0) {
        throw new UnprocessableEntityException('no redrafts remain for this review; approve, edit or reject it');
      }
      const draft = task.request.draft;
      const finalText = input.action === 'approve' ? draft : input.action === 'edit' ? input.text : null;
      if (input.action === 'approve' && !draft.trim()) {
        throw new UnprocessableEntityException('there is no draft to approve; write the reply with an edit');
      }
      if (finalText?.includes(REVIEWER_NOTE_MARKER)) {
        throw new UnprocessableEntityException(
          'the reply still contains the note for the reviewer; edit it out before sending',
        );
      }
      const decision = manager.create(ReviewDecisionEntity, {
        id: randomUUID(),
        taskId: task.id,
        round: task.round,
        actor,
        surface,
        action: input.action,
        draftText: draft,
        finalText,
        diff:
          input.action === 'edit'
            ? createTwoFilesPatch('draft', 'final', `${draft}\n`, `${input.text}\n`, '', '', { context: 3 })
            : null,
        reason: input.action === 'reject' ? input.reason : null,
        feedback: input.action === 'redraft' ? input.feedback : null,
      });
      await manager.insert(ReviewDecisionEntity, decision);
      await manager.update(
        ReviewTaskEntity,
        { id: task.id },
        {
          status: input.action === 'redraft' ? 'redrafting' : 'decided',
          decidedAt: new Date(),
          // A decided review is nobody's to hold any more.
          claimedBy: null,
          claimedUntil: null,
          version: task.version + 1,
        },
      );
      // The decision goes into the trail before the reply it asks for, so the trail reads in that order.
      await this.audit.record(manager, {
        actor,
        action: `review.${input.action}`,
        entityType: 'review',
        entityId: task.id,
        data: { runId: task.runId, round: task.round, surface, decisionId: decision.id },
      });
      const outboundId = finalText
        ? await this.outbox.requestReplyIn(manager, { runId: task.runId, text: finalText, approvedBy: actor })
        : null;
      await this.stream.publish(manager, 'review.decided', task.id);
      const saved = await manager.findOneOrFail(ReviewDecisionEntity, { where: { id: decision.id } });
      return {
        outboundId,
        openedAt: task.createdAt,
        outcome: {
          decisionId: saved.id,
          reviewId: task.id,
          runId: task.runId,
          action: input.action,
          actor,
          decidedAt: saved.decidedAt,
        },
      };
    });
    this.metrics.reviewDecisionSeconds.observe(
      { action: outcome.action },
      (outcome.decidedAt.getTime() - openedAt.getTime()) / 1000,
    );
    // The decision joins the run's own trace (started at ingest), and so do the jobs it queues.
    const run = await this.dataSource.getRepository(WorkflowRunEntity).findOne({ where: { id: outcome.runId } });
    await this.tracing.inSpan(
      'review decision',
      { 'handoff.run_id': outcome.runId, 'handoff.action': outcome.action, 'handoff.surface': surface },
      async () => {
        await this.jobs.enqueue(JOBS.resumeRun, { runId: outcome.runId, decisionId: outcome.decisionId });
        if (outboundId) await this.jobs.enqueue(JOBS.deliverReply, { outboundId });
      },
      run?.traceParent ? this.tracing.extract({ traceparent: run.traceParent }) : undefined,
    );
    return outcome;
  }
}
