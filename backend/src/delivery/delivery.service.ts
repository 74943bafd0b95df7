import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { retryWhileUnavailable } from '../common/dependency-errors';
import { UnitOfWork } from '../database/unit-of-work';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { Tracing } from '../observability/tracing';
import { JOBS, type JobPayload } from '../queue/jobs';
import { OnJob, type JobContext } from '../queue/on-job';
import { CallbackTransport } from './callback-transport';
import { OutboxRepository } from './outbox.repository';
import { withheldAtSendTime } from './approval-recheck';
import { CONVERSATIONS, DELIVERY_RUNS, type Conversations, type DeliveryRuns } from './ports';
import { SlackReplyTransport } from './slack/slack-reply-transport';
import { MailerService } from './mailer.service';
import { OutboundMessageEntity } from './outbound-message.entity';
import { failureKindOf, type ReplyTransports } from './reply-transport';

export type DeliveryResult = 'sent' | 'skipped' | 'failed' | 'uncertain' | 'withheld';

/** Thrown for a transient failure so the queue retries the job with backoff. */
export class RetryableDeliveryError extends Error {}

/**
 * Sends one outbox row at most once. The row is claimed under FOR UPDATE SKIP
 * LOCKED and marked `sending` before its transport sends; a row found still `sending` means a
 * sender died mid-send, and since we cannot know whether the server took it,
 * it becomes `uncertain` instead of being sent again.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly transports: ReplyTransports;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxRepository,
    mailer: MailerService,
    callback: CallbackTransport,
    slack: SlackReplyTransport,
    @Inject(DELIVERY_RUNS) private readonly runs: DeliveryRuns,
    @Inject(CONVERSATIONS) private readonly conversations: Conversations,
    private readonly audit: AuditRepository,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {
    this.transports = { email: mailer, callback, slack };
  }

  /** The delivery job: after the last retry of a transient failure, the reply is failed. */
  @OnJob(JOBS.deliverReply)
  async deliverJob(
    { outboundId }: JobPayload<typeof JOBS.deliverReply>,
    { job, lastAttempt }: JobContext,
  ): Promise<string> {
    try {
      return await this.deliver(outboundId);
    } catch (error) {
      this.logger.warn(`outbound ${outboundId} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`);
      if (error instanceof RetryableDeliveryError && lastAttempt) {
        await this.giveUp(outboundId, error.message);
        return 'failed';
      }
      throw error;
    }
  }

  async deliver(outboundId: string): Promise<DeliveryResult> {
    const claimed = await this.claim(outboundId);
    if (claimed === 'skipped' || claimed === 'uncertain' || claimed === 'withheld') return claimed;
    addToWorkContext({ runId: claimed.runId });

    try {
      await this.tracing.inSpan(
        `deliver ${claimed.channel}`,
        { 'handoff.run_id': claimed.runId, 'handoff.attempt': claimed.attempts },
        () => this.transports[claimed.channel].send(claimed),
      );
    } catch (error) {
      const reason = (error as Error).message;
      if (failureKindOf(error) === 'permanent') {
        await retryWhileUnavailable(() => this.finish(claimed, 'failed', reason));
        return 'failed';
      }
      this.metrics.deliveries.inc({ channel: claimed.channel, status: 'retry' });
      // The server did not take it, so it is safe to try again.
      await retryWhileUnavailable(() =>
        this.outbox.move(this.uow.autocommit, claimed.id, 'pending', { lastError: reason, claimedAt: null }),
      );
      throw new RetryableDeliveryError(`${claimed.channel} send failed, will retry: ${reason}`);
    }
    await retryWhileUnavailable(() => this.finish(claimed, 'sent'));
    return 'sent';
  }

  /** After the last retry: the reply is failed with the last transient error. */
  async giveUp(outboundId: string, reason: string): Promise<void> {
    const row = await this.outbox.get(outboundId);
    if (row.status === 'pending') await this.finish(row, 'failed', `gave up after ${row.attempts} attempts: ${reason}`);
  }

  private async claim(outboundId: string): Promise<OutboundMessageEntity | 'skipped' | 'uncertain' | 'withheld'> {
    return this.uow.run(async (tx) => {
      // The conversation's lock before the row's: a follow-up's decision takes them in that order too.
      const runId = await this.outbox.runIdOf(tx, outboundId);
      if (runId) await this.conversations.lockConversationOfRun(tx, runId);
      const row = await this.outbox.lockUnlessHeld(tx, outboundId);
      if (!row) return 'skipped'; // another sender holds it, or it does not exist
      if (row.status === 'sending') {
        await this.outbox.move(tx, row.id, 'uncertain', {
          lastError: 'sender stopped during the send; not resent',
        });
        // A holding reply's fate does not decide the run's; its review stays open.
        if (row.kind === 'reply')
          await this.runs.finishRun(tx, row.runId, 'failed', {
            error: 'reply delivery outcome unknown after a crash; not resent',
          });
        await this.audit.record(tx, {
          actor: 'system',
          action: 'reply.uncertain',
          entityType: 'outbound',
          entityId: row.id,
        });
        this.logger.error(`outbound ${row.id} was left mid-send by a crashed sender; marked uncertain`);
        this.metrics.deliveries.inc({ channel: row.channel, status: 'uncertain' });
        return 'uncertain';
      }
      if (row.status !== 'pending') return 'skipped';
      const { outbox, conversations, runs, audit, metrics } = this;
      if (await withheldAtSendTime(tx, row, { outbox, conversations, runs, audit, metrics })) return 'withheld';
      row.status = 'sending';
      row.attempts += 1;
      row.claimedAt = new Date();
      await this.outbox.move(tx, row.id, 'sending', { attempts: row.attempts, claimedAt: row.claimedAt });
      return row;
    });
  }

  private async finish(row: OutboundMessageEntity, status: 'sent' | 'failed', error?: string): Promise<void> {
    await this.uow.run(async (tx) => {
      await this.outbox.move(
        tx,
        row.id,
        status,
        status === 'sent' ? { sentAt: new Date(), lastError: null } : { lastError: error ?? null },
      );
      if (row.kind === 'reply')
        await this.runs.finishRun(
          tx,
          row.runId,
          status,
          status === 'failed' ? { error: `reply not delivered: ${error}`, failedStep: 'delivery' } : undefined,
        );
      await this.audit.record(tx, {
        actor: 'system',
        action: status === 'sent' ? 'reply.sent' : 'reply.failed',
        entityType: 'outbound',
        entityId: row.id,
        data: { runId: row.runId, messageId: row.messageId },
      });
    });
    this.metrics.deliveries.inc({ channel: row.channel, status });
  }
}
