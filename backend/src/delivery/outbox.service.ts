import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ReplyOutbox } from '@handoff/graphs';
import type { ReplyIntent } from '@handoff/graphs/contracts';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { InboundEventEntity } from '../events/inbound-event.entity';
import { WorkflowRunEntity } from '../runs/workflow-run.entity';
import { OutboundMessageEntity, type OutboundKind } from './outbound-message.entity';
import { mailDomain, replyMessageId, replySubject, threadingHeaders } from './threading';

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

  /** Writes the outbox row inside the caller's transaction; returns its id, new or existing. */
  requestReplyIn(manager: EntityManager, intent: ReplyIntent): Promise<string> {
    return this.requestIn(manager, intent, 'reply');
  }

  /** The deadline's holding reply: its own row (and Message-ID), so the real reply can still follow. */
  requestHoldingReplyIn(manager: EntityManager, runId: string, text: string): Promise<string> {
    return this.requestIn(manager, { runId, text, approvedBy: 'system' }, 'holding');
  }

  private async requestIn(manager: EntityManager, intent: ReplyIntent, kind: OutboundKind): Promise<string> {
    const run = await manager.findOneOrFail(WorkflowRunEntity, { where: { id: intent.runId } });
    const event = await manager.findOneOrFail(InboundEventEntity, { where: { id: run.eventId } });
    const id = randomUUID();
    const threading = threadingHeaders(event);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(OutboundMessageEntity)
      .values({
        id,
        runId: run.id,
        kind,
        channel: 'email',
        messageId: replyMessageId(kind === 'reply' ? run.id : `${kind}-${run.id}`, mailDomain(this.config.MAIL_FROM)),
        toAddress: event.fromAddress,
        subject: replySubject(event.subject),
        body: intent.text,
        inReplyTo: threading.inReplyTo,
        references: threading.references,
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
      data: { runId: run.id },
    });
    return id;
  }
}
