import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { ReviewDecisionEntity } from '../reviews/review-decision.entity';
import { ReviewStreamService } from '../reviews/review-stream.service';
import { ReviewTaskEntity } from '../reviews/review-task.entity';
import {
  decidedBlocks,
  escapeMrkdwn,
  reviewBlocks,
  reviewFallback,
  slackDate,
  truncate,
  type SlackReviewView,
} from './slack-blocks';
import { SlackClient, type SlackPosted } from './slack-client.service';
import { SlackMessageEntity } from './slack-message.entity';

/** How long a review may go without its Slack message before the sweeper re-enqueues the job. */
const GRACE = "interval '3 seconds'";
const BATCH = 200;

/**
 * Keeps each review's Slack message in step with the review: posted when it
 * opens, refreshed for a new redraft round, and showing the decision (without
 * buttons) once decided on any surface. Every method is idempotent, so jobs can
 * repeat; the slack_messages row records what Slack already shows.
 */
@Injectable()
export class SlackMessagesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SlackMessages');

  constructor(
    private readonly dataSource: DataSource,
    private readonly slack: SlackClient,
    private readonly jobs: JobQueueService,
    private readonly stream: ReviewStreamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The fast path: API processes hear every review change and queue the Slack work at once. */
  onApplicationBootstrap(): void {
    this.stream.subscribe({
      event: (event) => {
        const queued =
          event.type === 'review.opened' || event.type === 'review.decided'
            ? this.enqueueFor(event.reviewId)
            : event.type === 'review.reminder'
              ? this.jobs.enqueue(JOBS.slackRemind, { reviewId: event.reviewId })
              : event.type === 'review.overdue'
                ? this.jobs.enqueue(JOBS.slackEscalate, { reviewId: event.reviewId })
                : undefined;
        // A lost fast path is caught by the sweeper's reconcile.
        void queued?.catch((error: Error) =>
          this.logger.warn(`queueing Slack work for ${event.reviewId} failed: ${error.message}`),
        );
      },
      close: () => undefined,
    });
  }

  /** Queues whatever the review's message needs now: a post for a pending round, else the decision. */
  async enqueueFor(reviewId: string): Promise<void> {
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    if (!task) return;
    const job = task.status === 'pending' ? JOBS.slackPostReview : JOBS.slackShowDecision;
    await this.jobs.enqueue(job, { reviewId, round: task.round });
  }

  channelFor(category: string): string {
    return this.config.SLACK_CATEGORY_CHANNELS[category] ?? this.config.SLACK_REVIEW_CHANNEL!;
  }

  /** Where a review's message is, for threaded replies; null while it is not posted. */
  async messageOf(reviewId: string): Promise<SlackPosted | null> {
    const row = await this.dataSource.getRepository(SlackMessageEntity).findOne({ where: { reviewId } });
    return row && { channel: row.channel, ts: row.ts };
  }

  async postReview(reviewId: string, round: number): Promise<string> {
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    if (!task || task.round !== round || task.status !== 'pending') return 'no longer pending';
    const messages = this.dataSource.getRepository(SlackMessageEntity);
    const existing = await messages.findOne({ where: { reviewId } });
    if (existing && existing.round >= round) return 'already posted';
    const view = this.viewOf(task);
    if (existing) {
      await this.slack.update(existing, reviewFallback(view), reviewBlocks(view));
      await messages.update({ reviewId }, { round, state: 'open' });
      return 'refreshed';
    }
    const posted = await this.slack.post(this.channelFor(task.category), reviewFallback(view), reviewBlocks(view));
    await messages.insert({ reviewId, channel: posted.channel, ts: posted.ts, round, state: 'open' });
    return 'posted';
  }

  async showDecision(reviewId: string, round: number): Promise<string> {
    const messages = this.dataSource.getRepository(SlackMessageEntity);
    const message = await messages.findOne({ where: { reviewId } });
    // Nothing posted yet: the post job sees the decision and skips, leaving nothing to show.
    if (!message || message.round > round || (message.round === round && message.state === 'decided')) {
      return 'nothing to update';
    }
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    const decision = await this.dataSource
      .getRepository(ReviewDecisionEntity)
      .findOne({ where: { taskId: reviewId, round } });
    if (!task || !decision) return 'not decided';
    // The draft the decision was about, even if a later round has replaced the task's request.
    const view = { ...this.viewOf(task), round, request: { ...task.request, draft: decision.draftText } };
    await this.slack.update(message, reviewFallback(view), decidedBlocks(view, decision));
    await messages.update({ reviewId }, { round, state: 'decided' });
    return 'updated';
  }

  /** Replies in the review's thread once its reminder has fired, if it is still pending. */
  async postReminder(reviewId: string): Promise<string> {
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    if (!task?.remindedAt) return 'no reminder due';
    if (task.status !== 'pending') return 'no longer pending';
    const messages = this.dataSource.getRepository(SlackMessageEntity);
    const message = await messages.findOne({ where: { reviewId } });
    // Thrown so the job retries: the review's own message is still on its way.
    if (!message) throw new Error('the review message is not posted yet');
    if (message.reminderPostedAt) return 'already reminded';
    const text = `Reminder: this review is due ${slackDate(task.dueAt)}. <${this.linkOf(task)}|Open in Handoff>`;
    await this.slack.postThreadReply(message, text);
    await messages.update({ reviewId }, { reminderPostedAt: new Date() });
    return 'reminded';
  }

  /**
   * Posts a past-due review to the escalation channel, or as a thread reply
   * when none is configured. Whatever the deadline action did to the review,
   * people should hear that it went past due.
   */
  async postEscalation(reviewId: string): Promise<string> {
    const task = await this.dataSource.getRepository(ReviewTaskEntity).findOne({ where: { id: reviewId } });
    if (!task?.deadlineActionTakenAt) return 'not overdue';
    const messages = this.dataSource.getRepository(SlackMessageEntity);
    const message = await messages.findOne({ where: { reviewId } });
    if (!message) throw new Error('the review message is not posted yet');
    if (message.escalationPostedAt) return 'already escalated';
    const text =
      `Past due since ${slackDate(task.dueAt)} (${task.deadlineAction.replace('_', ' ')}): ` +
      `${escapeMrkdwn(truncate(task.subject, 200))} from ${escapeMrkdwn(task.fromAddress)}. <${this.linkOf(task)}|Open in Handoff>`;
    const channel = this.config.SLACK_ESCALATION_CHANNEL;
    if (channel) await this.slack.post(channel, text, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
    else await this.slack.postThreadReply(message, text);
    await messages.update({ reviewId }, { escalationPostedAt: new Date() });
    return channel ? 'escalated' : 'escalated in thread';
  }

  /**
   * Called by the sweeper: queues posts for pending reviews Slack does not show
   * and updates for decisions Slack does not show yet.
   */
  async reconcile(): Promise<number> {
    const unposted: { id: string; round: number }[] = await this.dataSource.query(
      `SELECT t.id, t.round FROM review_tasks t LEFT JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status = 'pending' AND (m.review_id IS NULL OR m.round < t.round)
          AND t.updated_at < now() - ${GRACE}
        LIMIT ${BATCH}`,
    );
    for (const row of unposted) await this.jobs.enqueue(JOBS.slackPostReview, { reviewId: row.id, round: row.round });
    const stale: { id: string; round: number }[] = await this.dataSource.query(
      `SELECT t.id, t.round FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status IN ('decided', 'redrafting') AND m.state = 'open' AND m.round = t.round
          AND t.decided_at < now() - ${GRACE}
        LIMIT ${BATCH}`,
    );
    for (const row of stale) await this.jobs.enqueue(JOBS.slackShowDecision, { reviewId: row.id, round: row.round });
    const unreminded: { id: string }[] = await this.dataSource.query(
      `SELECT t.id FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status = 'pending' AND t.reminded_at IS NOT NULL AND m.reminder_posted_at IS NULL
          AND t.updated_at < now() - ${GRACE}
        LIMIT ${BATCH}`,
    );
    for (const row of unreminded) await this.jobs.enqueue(JOBS.slackRemind, { reviewId: row.id });
    const unescalated: { id: string }[] = await this.dataSource.query(
      `SELECT t.id FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.deadline_action_taken_at IS NOT NULL AND m.escalation_posted_at IS NULL
          AND t.updated_at < now() - ${GRACE}
        LIMIT ${BATCH}`,
    );
    for (const row of unescalated) await this.jobs.enqueue(JOBS.slackEscalate, { reviewId: row.id });
    return unposted.length + stale.length + unreminded.length + unescalated.length;
  }

  private viewOf(task: ReviewTaskEntity): SlackReviewView {
    return {
      reviewId: task.id,
      round: task.round,
      fromAddress: task.fromAddress,
      subject: task.subject,
      category: task.category,
      confidence: task.confidence,
      request: task.request,
      link: this.linkOf(task),
    };
  }

  private linkOf(task: ReviewTaskEntity): string {
    return `${this.config.PUBLIC_UI_URL.replace(/\/$/, '')}/reviews/${task.id}`;
  }
}
