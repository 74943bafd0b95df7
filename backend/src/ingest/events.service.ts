import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EMAIL_TRIAGE_GRAPH } from '@handoff/graphs';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { mailDomain } from '../delivery/threading';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { Tracing } from '../observability/tracing';
import type { RunStatus } from '../workflow/run-status';
import { RunsService } from '../workflow/runs.service';
import { checkAttachmentLimits } from './attachment-limits';
import { conversationKey } from './conversation-key';
import type { ReplyChannel } from './inbound-event.entity';
import { InboundEventRepository } from './inbound-event.repository';
import { reasonToIgnore } from './loop-guard';
import type { ParsedEmail } from './parsed-email';
import { checkedCallerKey, storableEmail } from '../ingest-safety/input-text';
import { senderScopedMessageId } from '../ingest-safety/sender-scope';

export interface IngestOptions {
  /** Runs first inside the storing transaction (e.g. a replay check); throwing stores nothing. */
  inTransaction?: (tx: Tx) => Promise<void>;
  replyChannel?: ReplyChannel;
  /** The webhook-id of the Standard Webhooks request that carried the event. */
  webhookId?: string;
}

export interface IngestResult {
  eventId: string;
  runId: string;
  status: RunStatus;
  /** True when this idempotency key was seen before; nothing new was started. */
  duplicate: boolean;
  ignoredReason?: string;
}

/**
 * The idempotency key: the caller's, else the Message-ID scoped to the sender (anyone can claim any
 * Message-ID; only the sender's own retry is a duplicate), else a hash of what identifies the message.
 */
export function idempotencyKeyFor(email: ParsedEmail, callerKey: string | undefined): string {
  if (callerKey) return `key:${callerKey}`;
  if (email.messageId) return `mid:${senderScopedMessageId(email.from.address, email.messageId)}`;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([email.from.address, email.subject, email.headers['date'] ?? '', email.text]))
    .digest('hex');
  return `sha256:${fingerprint}`;
}

@Injectable()
export class EventsService {
  private readonly logger = new Logger(EventsService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: InboundEventRepository,
    private readonly runs: RunsService,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {}

  /**
   * Stores the event and its run in one transaction, then enqueues the run.
   * The row is the promise: if the enqueue fails, the sweeper enqueues it later.
   */
  async ingestEmail(
    received: ParsedEmail,
    source: string,
    callerKey?: string,
    options: IngestOptions = {},
  ): Promise<IngestResult> {
    const email = storableEmail(received);
    checkAttachmentLimits(email, this.config);
    const idempotencyKey = idempotencyKeyFor(email, checkedCallerKey(callerKey));
    const ignoredReason = reasonToIgnore(email, mailDomain(this.config.MAIL_FROM), this.config.MAIL_FROM) ?? undefined;

    const stored = await this.uow.run(async (tx): Promise<IngestResult> => {
      await options.inTransaction?.(tx);
      const eventId = randomUUID();
      const inserted = await this.events.insertOnce(tx, {
        id: eventId,
        source,
        channel: options.webhookId ? 'webhook' : 'email',
        webhookId: options.webhookId ?? null,
        idempotencyKey,
        messageId: email.messageId ?? null,
        fromAddress: email.from.address,
        fromName: email.from.name ?? null,
        to: email.to,
        cc: email.cc,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html ?? null,
        headers: email.headers,
        inReplyTo: email.inReplyTo ?? null,
        references: email.references,
        conversationKey: conversationKey({
          fromAddress: email.from.address,
          messageId: email.messageId ?? null,
          inReplyTo: email.inReplyTo ?? null,
          references: email.references,
        }),
        attachments: email.attachments,
        status: ignoredReason ? 'ignored' : 'accepted',
        ignoreReason: ignoredReason ?? null,
        replyChannel: options.replyChannel ?? null,
      });
      if (!inserted) {
        const existing = await this.events.getByIdempotencyKey(tx, idempotencyKey);
        const run = await this.runs.runOf(tx, existing.id);
        return {
          eventId: existing.id,
          runId: run.id,
          status: run.status,
          duplicate: true,
          ignoredReason: existing.ignoreReason ?? undefined,
        };
      }
      const runId = randomUUID();
      const status: RunStatus = ignoredReason ? 'ignored' : 'queued';
      await this.runs.create(tx, {
        id: runId,
        eventId,
        graphName: EMAIL_TRIAGE_GRAPH.name,
        graphVersion: EMAIL_TRIAGE_GRAPH.version,
        traceParent: this.tracing.inject()?.traceparent ?? null,
        status,
        finishedAt: ignoredReason ? new Date() : null,
      });
      await this.audit.record(tx, {
        actor: `source:${source}`,
        action: ignoredReason ? 'event.ignored' : 'event.accepted',
        entityType: 'event',
        entityId: eventId,
        data: { runId, ...(ignoredReason ? { reason: ignoredReason } : {}) },
      });
      return { eventId, runId, status, duplicate: false, ignoredReason };
    });

    addToWorkContext({ eventId: stored.eventId, runId: stored.runId });
    const outcome = stored.duplicate ? 'duplicate' : ignoredReason ? 'ignored' : 'accepted';
    this.metrics.eventsReceived.inc({ source, outcome });
    if (outcome === 'ignored') this.metrics.runsFinished.inc({ outcome: 'ignored' });
    this.logger.log({ msg: `event ${outcome}`, source, ...(ignoredReason ? { ignoredReason } : {}) });
    if (!stored.duplicate && stored.status === 'queued') await this.runs.enqueue(stored.runId);
    return stored;
  }
}
