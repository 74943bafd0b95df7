import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { JobQueueService } from '../../queue/job-queue.service';
import { JOBS, type JobPayload } from '../../queue/jobs';
import { OnJob, type JobContext } from '../../queue/on-job';
import { ReviewStreamService } from '../review-stream.service';
import type { ReviewTaskEntity } from '../review-task.entity';
import { ReviewRepository } from '../review.repository';
import { REVIEW_MESSAGES, type ReviewMessages } from '../ports';
import {
  decidedBlocks,
  reviewBlocks,
  reviewFallback,
  slackDate,
  supersededBlocks,
  type SlackReviewView,
} from './slack-blocks';
import { escapeMrkdwn, truncate } from '../../delivery/slack/slack-text';
import { SlackClient, SlackRateLimitedError, type SlackPosted } from '../../delivery/slack/slack-client.service';
import { SlackMessageRepository } from './slack-message.repository';

/** How long a review may go without its Slack message before the sweeper re-enqueues the job. */
const GRACE_SECONDS = 3;
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
    private readonly reviews: ReviewRepository,
    private readonly messages: SlackMessageRepository,
    private readonly slack: SlackClient,
    private readonly jobs: JobQueueService,
    private readonly stream: ReviewStreamService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REVIEW_MESSAGES) private readonly conversations: ReviewMessages,
  ) {}

  /** The fast path: API processes hear every review change and queue the Slack work at once. */
  onApplicationBootstrap(): void {
    this.stream.subscribe({
      event: (event) => {
        const queued =
          event.type === 'review.opened' || event.type === 'review.decided' || event.type === 'review.superseded'
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
    const task = await this.reviews.find(reviewId);
    if (!task) return;
    const job = task.status === 'pending' ? JOBS.slackPostReview : JOBS.slackShowDecision;
    await this.jobs.enqueue(job, { reviewId, round: task.round });
  }

  channelFor(category: string): string {
    return this.config.SLACK_CATEGORY_CHANNELS[category] ?? this.config.SLACK_REVIEW_CHANNEL!;
  }

  /** Where a review's message is, for threaded replies; null while it is not posted. */
  async messageOf(reviewId: string): Promise<SlackPosted | null> {
    const row = await this.messages.find(reviewId);
    return row && { channel: row.channel, ts: row.ts };
  }

  @OnJob(JOBS.slackPostReview)
  postReviewJob({ reviewId, round }: JobPayload<typeof JOBS.slackPostReview>, context: JobContext) {
    return this.slackJob(context, () => this.postReview(reviewId, round));
  }

  @OnJob(JOBS.slackShowDecision)
  showDecisionJob({ reviewId, round }: JobPayload<typeof JOBS.slackShowDecision>, context: JobContext) {
    return this.slackJob(context, () => this.showDecision(reviewId, round));
  }

  @OnJob(JOBS.slackRemind)
  remindJob({ reviewId }: JobPayload<typeof JOBS.slackRemind>, context: JobContext) {
    return this.slackJob(context, () => this.postReminder(reviewId));
  }

  @OnJob(JOBS.slackEscalate)
  escalateJob({ reviewId }: JobPayload<typeof JOBS.slackEscalate>, context: JobContext) {
    return this.slackJob(context, () => this.postEscalation(reviewId));
  }

  /** Slack said when to come back: waiting that long is not a failed attempt. */
  private async slackJob(context: JobContext, work: () => Promise<string>): Promise<string> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SlackRateLimitedError) await context.retryAfter(error.retryAfterSeconds * 1000);
      this.logger.warn(
        `${context.job.name} attempt ${context.job.attemptsMade + 1} failed: ${(error as Error).message}`,
      );
      throw error;
    }
  }

  async postReview(reviewId: string, round: number): Promise<string> {
    const task = await this.reviews.find(reviewId);
    if (!task || task.round !== round || task.status !== 'pending') return 'no longer pending';
    const existing = await this.messages.find(reviewId);
    if (existing && existing.round >= round) return 'already posted';
    const view = await this.viewWithFollowUp(task);
    if (existing) {
      await this.slack.update(existing, reviewFallback(view), reviewBlocks(view));
      await this.messages.update(reviewId, { round, state: 'open' });
      return 'refreshed';
    }
    const posted = await this.slack.post(this.channelFor(task.category), reviewFallback(view), reviewBlocks(view));
    await this.messages.add({ reviewId, channel: posted.channel, ts: posted.ts, round, state: 'open' });
    return 'posted';
  }

  async showDecision(reviewId: string, round: number): Promise<string> {
    const message = await this.messages.find(reviewId);
    // Nothing posted yet: the post job sees the decision and skips, leaving nothing to show.
    if (!message || message.round > round || (message.round === round && message.state === 'decided')) {
      return 'nothing to update';
    }
    const task = await this.reviews.find(reviewId);
    if (task?.status === 'superseded') {
      const view = await this.viewWithFollowUp(task);
      await this.slack.update(message, reviewFallback(view), supersededBlocks(view));
      await this.messages.update(reviewId, { round: task.round, state: 'decided' });
      return 'superseded';
    }
    const decision = await this.reviews.decisionOfRound(reviewId, round);
    if (!task || !decision) return 'not decided';
    // The draft the decision was about, even if a later round has replaced the task's request.
    const view = { ...this.viewOf(task), round, request: { ...task.request, draft: decision.draftText } };
    await this.slack.update(message, reviewFallback(view), decidedBlocks(view, decision));
    await this.messages.update(reviewId, { round, state: 'decided' });
    return 'updated';
  }

  /** Replies in the review's thread once its reminder has fired, if it is still pending. */
  async postReminder(reviewId: string): Promise<string> {
    const task = await this.reviews.find(reviewId);
    if (!task?.remindedAt) return 'no reminder due';
    if (task.status !== 'pending') return 'no longer pending';
    const message = await this.messages.find(reviewId);
    // Thrown so the job retries: the review's own message is still on its way.
    if (!message) throw new Error('the review message is not posted yet');
    if (message.reminderPostedAt) return 'already reminded';
    const text = `Reminder: this review is due ${slackDate(task.dueAt)}. <${this.linkOf(task)}|Open in Handoff>`;
    await this.slack.postThreadReply(message, text);
    await this.messages.update(reviewId, { reminderPostedAt: new Date() });
    return 'reminded';
  }

  /**
   * Posts a past-due review to the escalation channel, or as a thread reply
   * when none is configured. Whatever the deadline action did to the review,
   * people should hear that it went past due.
   */
  async postEscalation(reviewId: string): Promise<string> {
    const task = await this.reviews.find(reviewId);
    if (!task?.deadlineActionTakenAt) return 'not overdue';
    const message = await this.messages.find(reviewId);
    if (!message) throw new Error('the review message is not posted yet');
    if (message.escalationPostedAt) return 'already escalated';
    const text =
      `Past due since ${slackDate(task.dueAt)} (${task.deadlineAction.replace('_', ' ')}): ` +
      `${escapeMrkdwn(truncate(task.subject, 200))} from ${escapeMrkdwn(task.fromAddress)}. <${this.linkOf(task)}|Open in Handoff>`;
    const channel = this.config.SLACK_ESCALATION_CHANNEL;
    if (channel) await this.slack.post(channel, text, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
    else await this.slack.postThreadReply(message, text);
    await this.messages.update(reviewId, { escalationPostedAt: new Date() });
    return channel ? 'escalated' : 'escalated in thread';
  }

  /**
   * Called by the sweeper: queues posts for pending reviews Slack does not show
   * and updates for decisions Slack does not show yet.
   */
  async reconcile(): Promise<number> {
    const unposted = await this.messages.unposted(GRACE_SECONDS, BATCH);
    for (const row of unposted) await this.jobs.enqueue(JOBS.slackPostReview, { reviewId: row.id, round: row.round });
    const stale = await this.messages.undecided(GRACE_SECONDS, BATCH);
    for (const row of stale) await this.jobs.enqueue(JOBS.slackShowDecision, { reviewId: row.id, round: row.round });
    const unreminded = await this.messages.unreminded(GRACE_SECONDS, BATCH);
    for (const row of unreminded) await this.jobs.enqueue(JOBS.slackRemind, { reviewId: row.id });
    const unescalated = await this.messages.unescalated(GRACE_SECONDS, BATCH);
    for (const row of unescalated) await this.jobs.enqueue(JOBS.slackEscalate, { reviewId: row.id });
    return unposted.length + stale.length + unreminded.length + unescalated.length;
  }

  /** The view with "customer wrote again" when the conversation had a follow-up. */
  private async viewWithFollowUp(task: ReviewTaskEntity): Promise<SlackReviewView> {
    const followUp = await this.conversations.followUpOf(task.runId);
    return {
      ...this.viewOf(task),
      ...(followUp && { followUp: { kind: followUp.kind, text: followUp.message.text } }),
    };
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
      categories: this.config.TAXONOMY.map(({ key }) => key),
    };
  }

  private linkOf(task: ReviewTaskEntity): string {
    return `${this.config.PUBLIC_UI_URL.replace(/\/$/, '')}/reviews/${task.id}`;
  }
}
