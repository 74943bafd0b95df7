import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ResolveDeliveryRequest, ResolveDeliveryResponse, UncertainDelivery } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { MetricsService } from '../observability/metrics.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import type { OutboundMessageEntity } from './outbound-message.entity';
import { OutboxRepository } from './outbox.repository';
import { DELIVERY_RUNS, type DeliveryRuns } from './ports';

/**
 * Uncertain replies: settling them (from a receiver's record, by the delivery job, or by an operator)
 * and the operator queue. Both roles: the API serves the queue, workers settle what they can prove.
 */
@Injectable()
export class UncertainDeliveriesService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxRepository,
    @Inject(DELIVERY_RUNS) private readonly runs: DeliveryRuns,
    private readonly audit: AuditRepository,
    private readonly jobs: JobQueueService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.supply('handoff_deliveries_uncertain', () => this.outbox.countUncertain());
  }

  async list(limit: number, before?: string): Promise<{ items: UncertainDelivery[]; nextBefore: string | null }> {
    const rows = await this.outbox.listUncertain(limit + 1, before);
    const items = rows.slice(0, limit).map(toItem);
    const last = items[items.length - 1];
    return { items, nextBefore: rows.length > limit && last?.handedOverAt ? last.handedOverAt : null };
  }

  /** An operator's answer for an uncertain reply (audited with the operator as actor). */
  async resolve(id: string, { action }: ResolveDeliveryRequest, actor: string): Promise<ResolveDeliveryResponse> {
    const row = await this.uow.run(async (tx) => {
      const row = await this.outbox.lock(tx, id);
      if (!row) throw new NotFoundError(`delivery ${id} not found`);
      if (row.status !== 'uncertain') throw new ConflictError(`delivery ${id} is ${row.status}, not uncertain`);
      const data = { action };
      if (action === 'mark_sent') await this.settleSent(tx, row, actor, 'reply.resolved', data);
      else await this.reopen(tx, row, actor, 'reply.resolved', data);
      return row;
    });
    if (action === 'resend') await this.jobs.enqueue(JOBS.deliverReply, { outboundId: row.id });
    return { id: row.id, runId: row.runId, status: action === 'resend' ? 'pending' : 'sent' };
  }

  /** uncertain → sent, and the run with it. False when the row was not uncertain (already settled). */
  async settleSent(
    tx: Tx,
    row: OutboundMessageEntity,
    actor: string,
    action: string,
    data: Record<string, unknown>,
  ): Promise<boolean> {
    if (!(await this.outbox.move(tx, row.id, 'sent', { sentAt: new Date(), lastError: null }, undefined, 'uncertain')))
      return false;
    if (row.kind === 'reply') await this.runs.finishRun(tx, row.runId, 'sent');
    await this.record(tx, row, actor, action, data);
    this.metrics.deliveries.inc({ channel: row.channel, status: 'sent' });
    return true;
  }

  /** uncertain → pending (sent again with the same Message-ID), the run back to `sending`. False when not uncertain. */
  async reopen(
    tx: Tx,
    row: OutboundMessageEntity,
    actor: string,
    action: string,
    data: Record<string, unknown>,
  ): Promise<boolean> {
    const patch = { nextAttemptAt: new Date(), claimedAt: null, committedAt: null, lastError: null };
    if (!(await this.outbox.move(tx, row.id, 'pending', patch, undefined, 'uncertain'))) return false;
    if (row.kind === 'reply') await this.runs.deliveryResumed(tx, row.runId);
    await this.record(tx, row, actor, action, data);
    return true;
  }

  private async record(
    tx: Tx,
    row: OutboundMessageEntity,
    actor: string,
    action: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(tx, {
      actor,
      action,
      entityType: 'outbound',
      entityId: row.id,
      data: { runId: row.runId, messageId: row.messageId, ...data },
    });
  }
}

function toItem(row: OutboundMessageEntity): UncertainDelivery {
  const target = row.target;
  const recipient =
    target?.channel === 'slack'
      ? `slack:${target.slackChannel}${target.threadTs ? ` (thread ${target.threadTs})` : ''}`
      : target?.channel === 'callback'
        ? target.url
        : (row.toAddress ?? '');
  return {
    id: row.id,
    runId: row.runId,
    kind: row.kind,
    channel: row.channel,
    recipient,
    subject: row.subject,
    messageId: row.messageId,
    attempts: row.attempts,
    handedOverAt: row.committedAt ? row.committedAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    reason: row.lastError,
  };
}
