import { Inject, Injectable } from '@nestjs/common';
import type { ThreadEntry } from '@handoff/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { OutboxRepository } from '../delivery/outbox.repository';
import type { InboundEventEntity } from './inbound-event.entity';
import { InboundEventRepository } from './inbound-event.repository';

const MAX_ENTRIES = 20;

/**
 * The earlier messages of a conversation that we hold, built the same way for
 * the graph's input and for the reviewer's page: the customer's earlier emails
 * and our sent replies whose Message-IDs this email's References or In-Reply-To
 * name, oldest first, the latest MAX_ENTRIES of them. Mail that names none has no thread.
 */
@Injectable()
export class ThreadHistory {
  constructor(
    private readonly events: InboundEventRepository,
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async of(event: Pick<InboundEventEntity, 'id' | 'inReplyTo' | 'references'>): Promise<ThreadEntry[]> {
    const ids = [...new Set([...event.references, ...(event.inReplyTo ? [event.inReplyTo] : [])])];
    if (ids.length === 0) return [];
    const [earlier, replies] = await Promise.all([
      this.events.withMessageIds(ids),
      this.outbox.sentWithMessageIds(ids),
    ]);
    const entries: ThreadEntry[] = [
      ...earlier
        .filter((inbound) => inbound.id !== event.id)
        .map((inbound) => ({
          direction: 'inbound' as const,
          from: inbound.fromAddress,
          at: inbound.receivedAt.toISOString(),
          text: inbound.textBody,
        })),
      ...replies.map((reply) => ({
        direction: 'outbound' as const,
        from: this.config.MAIL_FROM,
        approvedBy: reply.approvedBy,
        at: (reply.sentAt ?? reply.createdAt).toISOString(),
        text: reply.body,
      })),
    ];
    return entries.sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_ENTRIES);
  }
}
