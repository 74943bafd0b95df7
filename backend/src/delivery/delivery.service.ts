import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { retryWhileUnavailable } from '../common/dependency-errors';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { Tracing } from '../observability/tracing';
import { JOBS, type JobPayload } from '../queue/jobs';
import { OnJob, type JobContext } from '../queue/on-job';
import { CallbackTransport } from './callback-transport';
import { OutboxRepository } from './outbox.repository';
import { withheldAtSendTime } from './approval-recheck';
import { CONVERSATIONS, DELIVERY_RUNS, type Conversations, type DeliveryRuns } from './ports';
import { SentFolderService } from './sent-folder.service';
import { SlackReplyTransport } from './slack/slack-reply-transport';
import { MailerService } from './mailer.service';
import { OutboundMessageEntity } from './outbound-message.entity';
import { failureKindOf, type ReplyTransports } from './reply-transport';
import { UncertainDeliveriesService } from './uncertain-deliveries.service';

export type DeliveryResult = 'sent' | 'skipped' | 'failed' | 'uncertain' | 'withheld';

/** Thrown for a transient failure so the queue retries the job with backoff. */
export class RetryableDeliveryError extends Error {}

type Claim =
  | { kind: 'skipped' }
  | { kind: 'withheld' }
  | { kind: 'uncertain'; row: OutboundMessageEntity }
  | { kind: 'claimed'; row: OutboundMessageEntity };

/**
 * Sends one outbox row exactly once, or leaves it uncertain only inside the receiver's own
 * acceptance window. The row is claimed under FOR UPDATE SKIP LOCKED and marked `sending`; right
 * before the step after which the receiver may hold the message (SMTP: the final "." of DATA) the
 * sender commits the hand-over marker `committed_at`, fenced by the claim's attempt number.
 *
 * A row found still `sending` without the marker never reached the receiver: it is claimed again
 * and sent, with the same Message-ID. With the marker it is `uncertain` (callbacks excepted: their
 * unchanged webhook-id lets receivers drop a repeat, so they are simply sent again), and is settled
 * where the receiver keeps a record — the IMAP Sent folder (IMAP_SENT_FOLDER) for email, the
 * channel's history for Slack — as sent or safe to resend; when nothing can tell, the run waits
 * as `delivery_uncertain` in the operator queue (GET /api/v1/deliveries?status=uncertain).
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
    private readonly slack: SlackReplyTransport,
    @Inject(DELIVERY_RUNS) private readonly runs: DeliveryRuns,
    @Inject(CONVERSATIONS) private readonly conversations: Conversations,
    private readonly audit: AuditRepository,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
    private readonly uncertain: UncertainDeliveriesService,
    @Optional() private readonly sentFolder?: SentFolderService,
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
      return await this.deliver(outboundId, lastAttempt);
    } catch (error) {
      this.logger.warn(`outbound ${outboundId} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`);
      if (error instanceof RetryableDeliveryError && lastAttempt) {
        await this.giveUp(outboundId, error.message);
        return 'failed';
      }
      throw error;
    }
  }

  /** `lastAttempt`: an uncertain row that cannot be settled now is left to the operator instead of retried. */
  async deliver(outboundId: string, lastAttempt = true): Promise<DeliveryResult> {
    const claim = await retryWhileUnavailable(() => this.claim(outboundId));
    if (claim.kind === 'skipped' || claim.kind === 'withheld') return claim.kind;
    if (claim.kind === 'uncertain') return this.settle(claim.row, lastAttempt);
    const claimed = claim.row;
    addToWorkContext({ runId: claimed.runId });

    let lostClaim = false;
    const handOver = async () => {
      const at = await this.outbox.markHandedOver(claimed.id, claimed.attempts);
      if (!at) {
        lostClaim = true;
        throw new Error('another sender claimed the reply; not handing it over');
      }
      claimed.committedAt = at;
    };
    try {
      await this.tracing.inSpan(
        `deliver ${claimed.channel}`,
        { 'handoff.run_id': claimed.runId, 'handoff.attempt': claimed.attempts },
        () => this.transports[claimed.channel].send(claimed, handOver),
      );
    } catch (error) {
      if (lostClaim) return 'skipped';
      const reason = (error as Error).message;
      switch (failureKindOf(error)) {
        case 'permanent':
          await retryWhileUnavailable(() => this.finish(claimed, 'failed', reason));
          return 'failed';
        case 'unknown':
          await retryWhileUnavailable(() =>
            this.uow.run((tx) => this.markUncertain(tx, claimed, `no answer after the hand-over: ${reason}`)),
          );
          return this.settle(claimed, lastAttempt);
        case 'temporary':
          this.metrics.deliveries.inc({ channel: claimed.channel, status: 'retry' });
          // The receiver did not take it, so it is safe to try again.
          await retryWhileUnavailable(() =>
            this.outbox.move(
              this.uow.autocommit,
              claimed.id,
              'pending',
              { lastError: reason, claimedAt: null, committedAt: null },
              claimed.attempts,
            ),
          );
          throw new RetryableDeliveryError(`${claimed.channel} send failed, will retry: ${reason}`);
      }
    }
    const sentAt = new Date();
    await retryWhileUnavailable(() => this.finish(claimed, 'sent', undefined, sentAt));
    if (claimed.committedAt)
      this.metrics.handOverWindow.observe((sentAt.getTime() - claimed.committedAt.getTime()) / 1000);
    return 'sent';
  }

  /** After the last retry: the reply is failed with the last transient error. */
  async giveUp(outboundId: string, reason: string): Promise<void> {
    const row = await this.outbox.get(outboundId);
    if (row.status === 'pending') await this.finish(row, 'failed', `gave up after ${row.attempts} attempts: ${reason}`);
  }

  /**
   * Settles an uncertain row from the receiver's own record: sent when it is there, sent again when
   * it is provably not. When nothing can tell now, the job retries the look-up (unless `lastAttempt`);
   * after that the row waits in the operator queue.
   */
  private async settle(row: OutboundMessageEntity, lastAttempt: boolean): Promise<DeliveryResult> {
    const found = await this.lookUp(row);
    if (found === true) {
      const settled = await retryWhileUnavailable(() =>
        this.uow.run((tx) =>
          this.uncertain.settleSent(tx, row, 'system', 'reply.settled_sent', { by: this.recordOf(row) }),
        ),
      );
      if (settled) this.logger.log(`outbound ${row.id} was found in ${this.recordOf(row)}; settled sent`);
      return settled ? 'sent' : 'skipped';
    }
    if (found === false) {
      const reopened = await retryWhileUnavailable(() =>
        this.uow.run((tx) =>
          this.uncertain.reopen(tx, row, 'system', 'reply.settled_resend', { by: this.recordOf(row) }),
        ),
      );
      if (!reopened) return 'skipped';
      this.logger.log(`outbound ${row.id} is not in ${this.recordOf(row)}; sending it again`);
      return this.deliver(row.id, lastAttempt);
    }
    if (this.canLookUp(row) && !lastAttempt) {
      throw new RetryableDeliveryError(`could not look the uncertain reply up in ${this.recordOf(row)} yet`);
    }
    return 'uncertain';
  }

  private canLookUp(row: OutboundMessageEntity): boolean {
    return row.channel === 'slack' || (row.channel === 'email' && !!this.sentFolder?.enabled);
  }

  private recordOf(row: OutboundMessageEntity): string {
    return row.channel === 'slack' ? "the Slack channel's history" : 'the IMAP Sent folder';
  }

  /** true/false when the receiver's record answers; null when there is none or it cannot be reached. */
  private async lookUp(row: OutboundMessageEntity): Promise<boolean | null> {
    if (row.channel === 'slack') return this.slack.wasPosted(row);
    if (row.channel === 'email' && this.sentFolder?.enabled) return this.sentFolder.contains(row.messageId);
    return null;
  }

  private async claim(outboundId: string): Promise<Claim> {
    return this.uow.run(async (tx): Promise<Claim> => {
      // The conversation's lock before the row's: a follow-up's decision takes them in that order too.
      const runId = await this.outbox.runIdOf(tx, outboundId);
      if (runId) await this.conversations.lockConversationOfRun(tx, runId);
      const row = await this.outbox.lockUnlessHeld(tx, outboundId);
      if (!row) return { kind: 'skipped' }; // another sender holds it, or it does not exist
      if (row.status === 'uncertain') return { kind: 'uncertain', row };
      if (row.status === 'sending') {
        if (row.committedAt && row.channel !== 'callback') {
          await this.markUncertain(
            tx,
            row,
            'the sender stopped after handing the reply over; not resent until settled',
          );
          return { kind: 'uncertain', row };
        }
        // It stopped before the hand-over (or it is a callback, whose webhook-id makes a repeat safe): send it.
        this.logger.warn(
          `outbound ${row.id} was left mid-send before the hand-over by a stopped sender; sending again`,
        );
      } else if (row.status !== 'pending') return { kind: 'skipped' };
      else {
        // The last check before a first send: still what was approved, for the conversation's latest message?
        const { outbox, conversations, runs, audit, metrics } = this;
        if (await withheldAtSendTime(tx, row, { outbox, conversations, runs, audit, metrics }))
          return { kind: 'withheld' };
      }
      row.status = 'sending';
      row.attempts += 1;
      row.claimedAt = new Date();
      row.committedAt = null;
      await this.outbox.move(tx, row.id, 'sending', {
        attempts: row.attempts,
        claimedAt: row.claimedAt,
        committedAt: null,
      });
      return { kind: 'claimed', row };
    });
  }

  /** The reply may be with the receiver: the row is uncertain and its run waits, visibly, until it is settled. */
  private async markUncertain(tx: Tx, row: OutboundMessageEntity, reason: string): Promise<void> {
    if (!(await this.outbox.move(tx, row.id, 'uncertain', { lastError: reason }))) return;
    row.status = 'uncertain';
    row.lastError = reason;
    // A holding reply's fate does not decide the run's; its review stays open.
    if (row.kind === 'reply') await this.runs.deliveryUncertain(tx, row.runId, reason);
    await this.audit.record(tx, {
      actor: 'system',
      action: 'reply.uncertain',
      entityType: 'outbound',
      entityId: row.id,
      data: { runId: row.runId, messageId: row.messageId, channel: row.channel },
    });
    this.logger.error(`outbound ${row.id}: ${reason}; marked uncertain`);
    this.metrics.deliveries.inc({ channel: row.channel, status: 'uncertain' });
  }

  private async finish(
    row: OutboundMessageEntity,
    status: 'sent' | 'failed',
    error?: string,
    sentAt = new Date(),
  ): Promise<void> {
    await this.uow.run(async (tx) => {
      const moved = await this.outbox.move(
        tx,
        row.id,
        status,
        status === 'sent' ? { sentAt, lastError: null } : { lastError: error ?? null },
        // A failure is recorded only by the claim that saw it; an accepted send settles the row whatever became of it.
        status === 'failed' && row.status === 'sending' ? row.attempts : undefined,
      );
      if (!moved) return;
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
