import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ReplyOutbox, ReplyIntent } from '@handoff/graphs';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { InboundEventEntity } from '../events/inbound-event.entity';
import { WorkflowRunEntity } from '../runs/workflow-run.entity';
import { OutboundMessageEntity, type OutboundKind } from './outbound-message.entity';
import {
  callbackWebhookId,
  slackReplyId,
  mailDomain,
  replyMessageId,
  replySubject,
  threadingHeaders,
} from './threading';

type Addressing = Pick<
  OutboundMessageEntity,
  'channel' | 'messageId' | 'toAddress' | 'target' | 'inReplyTo' | 'references'
>;

/**
 * Turns reply intents into outbox rows. One row per run (unique run_id), so a
 * node that re-executes, or a decision racing the graph, can never queue two replies.
 */
@Injectable()
export class OutboxService implements ReplyOutbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async requestReply(intent: ReplyIntent): Promise<void> {
    await this.dataSource.transaction((manager) => this.requestReplyIn(manager, intent));
  }

  /**
   * Writes the outbox row inside the caller's transaction; returns its id, new or existing,
   * or null when the event's source takes no answer (reply channel "none").
   */
  requestReplyIn(manager: EntityManager, intent: ReplyIntent): Promise<string | null> {
    return this.requestIn(manager, intent, 'reply');
  }

  /**
   * The deadline's holding reply: its own row (and Message-ID), so the real reply can still follow.
   * Only customers who wrote by email get one; a webhook source is answered once, with the real answer.
   */
  requestHoldingReplyIn(manager: EntityManager, runId: string, text: string): Promise<string | null> {
    return this.requestIn(manager, { runId, text, approvedBy: 'system' }, 'holding');
  }

  private async requestIn(manager: EntityManager, intent: ReplyIntent, kind: OutboundKind): Promise<string | null> {
    const run = await manager.findOneOrFail(WorkflowRunEntity, { where: { id: intent.runId } });
    const event = await manager.findOneOrFail(InboundEventEntity, { where: { id: run.eventId } });
    const addressing = this.addressing(run, event, kind);
    if (!addressing) return null;
    const id = randomUUID();
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(OutboundMessageEntity)
      .values({
        id,
        runId: run.id,
        kind,
        ...addressing,
        subject: replySubject(event.subject),
        body: intent.text,
        approvedBy: intent.approvedBy,
        status: 'pending',
        nextAttemptAt: new Date(),
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (inserted.raw.length === 0) {
      return (await manager.findOneOrFail(OutboundMessageEntity, { where: { runId: run.id, kind } })).id;
    }
    await this.audit.record(manager, {
      actor: intent.approvedBy,
      action: kind === 'reply' ? 'reply.requested' : 'reply.holding_requested',
      entityType: 'outbound',
      entityId: id,
      data: { runId: run.id, channel: addressing.channel },
    });
    return id;
  }

  /** Email replies go to the sender in-thread; webhook events answer on their source's reply channel, never by email. */
  private addressing(run: WorkflowRunEntity, event: InboundEventEntity, kind: OutboundKind): Addressing | null {
    const channel = event.replyChannel;
    if (!channel) {
      return {
        channel: 'email',
        messageId: replyMessageId(kind === 'reply' ? run.id : `${kind}-${run.id}`, mailDomain(this.config.MAIL_FROM)),
        toAddress: event.fromAddress,
        target: null,
        ...threadingHeaders(event),
      };
    }
    if (kind === 'holding') return null;
    switch (channel.channel) {
      case 'none':
        return null;
      case 'callback':
        return {
          channel: 'callback',
          messageId: callbackWebhookId(run.id),
          toAddress: null,
          target: {
            channel: 'callback',
            url: channel.url,
            source: event.source.replace(/^webhook:/, ''),
            eventId: event.id,
            webhookId: event.idempotencyKey.replace(`key:${event.source}:`, ''), // see InboundService.accept
          },
          inReplyTo: null,
          references: [],
        };
      case 'slack':
        return {
          channel: 'slack',
          messageId: slackReplyId(run.id),
          toAddress: null,
          target: {
            channel: 'slack',
            slackChannel: channel.slackChannel,
            ...(channel.threadTs ? { threadTs: channel.threadTs } : {}),
            source: event.source.replace(/^webhook:/, ''),
            eventId: event.id,
          },
          inReplyTo: null,
          references: [],
        };
    }
  }
}
