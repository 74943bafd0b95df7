import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ReplyIntent, ReplyOutbox } from '@handoff/graphs';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import type { NewOutbound } from './outbox.repository';
import { OutboxRepository } from './outbox.repository';
import type { OutboundKind } from './outbound-message.entity';
import { approvalHash, recipientOf } from './approval-binding';
import { CONVERSATIONS, type Conversation, type Conversations } from './ports';
import {
  callbackWebhookId,
  slackReplyId,
  mailDomain,
  replyMessageId,
  replySubject,
  threadingHeaders,
} from './threading';

type Addressing = Pick<NewOutbound, 'channel' | 'messageId' | 'toAddress' | 'target' | 'inReplyTo' | 'references'>;

/**
 * Turns reply intents into outbox rows. One row per run (unique run_id), so a
 * node that re-executes, or a decision racing the graph, can never queue two replies.
 */
@Injectable()
export class OutboxService implements ReplyOutbox {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxRepository,
    @Inject(CONVERSATIONS) private readonly conversations: Conversations,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async requestReply(intent: ReplyIntent): Promise<void> {
    await this.uow.run((tx) => this.requestReplyIn(tx, intent));
  }

  /**
   * Writes the outbox row inside the caller's transaction; returns its id, new or existing, or null when the
   * event's source takes no answer (reply channel "none") or the run was superseded (the customer wrote again).
   */
  requestReplyIn(tx: Tx, intent: ReplyIntent): Promise<string | null> {
    return this.requestIn(tx, intent, 'reply');
  }

  /**
   * The deadline's holding reply: its own row (and Message-ID), so the real reply can still follow.
   * Only customers who wrote by email get one; a webhook source is answered once, with the real answer.
   */
  requestHoldingReplyIn(tx: Tx, runId: string, text: string): Promise<string | null> {
    return this.requestIn(tx, { runId, text, approvedBy: 'system' }, 'holding');
  }

  /** A replay sends a refused reply again: back to pending, due now. */
  async reopenRefused(tx: Tx, outboundId: string): Promise<void> {
    await this.outbox.move(tx, outboundId, 'pending', { nextAttemptAt: new Date(), lastError: null });
  }

  /**
   * The hash binding an approval of `text` as the run's reply (delivery/approval-binding.ts), as the row
   * requestReplyIn writes will carry it; null when the run takes no reply. A decision stores it too.
   */
  async approvalHashFor(tx: Tx, runId: string, text: string): Promise<string | null> {
    const conversation = await this.conversations.conversationOf(tx, runId);
    const addressing = this.addressing(conversation, 'reply');
    return addressing && this.bind(conversation, addressing, text);
  }

  private bind(conversation: Conversation, addressing: Addressing, text: string): string {
    return approvalHash({
      text,
      recipient: recipientOf(addressing),
      subject: replySubject(conversation.subject),
      latestInboundEventId: conversation.eventId,
    });
  }

  private async requestIn(tx: Tx, intent: ReplyIntent, kind: OutboundKind): Promise<string | null> {
    const conversation = await this.conversations.conversationOf(tx, intent.runId);
    // A superseded run's answer is the newer run's to give; the graph may still be finishing this one.
    if (!conversation.open) return null;
    const addressing = this.addressing(conversation, kind);
    if (!addressing) return null;
    const { id, created } = await this.outbox.addOnce(tx, {
      id: randomUUID(),
      runId: intent.runId,
      kind,
      ...addressing,
      subject: replySubject(conversation.subject),
      body: intent.text,
      approvedBy: intent.approvedBy,
      // Holding replies are the deadline's, sent while the review stays open: nothing was approved.
      approvalHash: kind === 'reply' ? this.bind(conversation, addressing, intent.text) : null,
    });
    if (!created) return id;
    await this.audit.record(tx, {
      actor: intent.approvedBy,
      action: kind === 'reply' ? 'reply.requested' : 'reply.holding_requested',
      entityType: 'outbound',
      entityId: id,
      data: { runId: intent.runId, channel: addressing.channel },
    });
    return id;
  }

  /** Email replies go to the sender in-thread; webhook events answer on their source's reply channel, never by email. */
  private addressing(conversation: Conversation, kind: OutboundKind): Addressing | null {
    const { runId, replyChannel: channel, webhook } = conversation;
    if (!channel) {
      return {
        channel: 'email',
        messageId: replyMessageId(kind === 'reply' ? runId : `${kind}-${runId}`, mailDomain(this.config.MAIL_FROM)),
        toAddress: conversation.fromAddress,
        target: null,
        ...threadingHeaders(conversation),
      };
    }
    if (kind === 'holding' || !webhook) return null;
    switch (channel.channel) {
      case 'none':
        return null;
      case 'callback':
        return {
          channel: 'callback',
          messageId: callbackWebhookId(runId),
          toAddress: null,
          target: {
            channel: 'callback',
            url: channel.url,
            source: webhook.source,
            eventId: conversation.eventId,
            webhookId: webhook.webhookId,
          },
          inReplyTo: null,
          references: [],
        };
      case 'slack':
        return {
          channel: 'slack',
          messageId: slackReplyId(runId),
          toAddress: null,
          target: {
            channel: 'slack',
            slackChannel: channel.slackChannel,
            ...(channel.threadTs ? { threadTs: channel.threadTs } : {}),
            source: webhook.source,
            eventId: conversation.eventId,
          },
          inReplyTo: null,
          references: [],
        };
    }
  }
}
