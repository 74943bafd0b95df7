import { In, type EntityManager } from 'typeorm';
import type { ThreadEntry } from '@handoff/contracts';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { InboundEventEntity } from '../events/inbound-event.entity';

const MAX_ENTRIES = 20;

/**
 * The earlier messages of this conversation, oldest first, when the email replies to something we sent:
 * In-Reply-To/References name one of our outbound Message-IDs. References carry the whole chain, so the
 * customer's earlier messages and our replies are found by their ids. Mail that does not reply to us has no thread.
 */
export async function threadHistory(
  manager: EntityManager,
  event: Pick<InboundEventEntity, 'id' | 'inReplyTo' | 'references'>,
  ourAddress: string,
): Promise<ThreadEntry[]> {
  const ids = [...new Set([...event.references, ...(event.inReplyTo ? [event.inReplyTo] : [])])];
  if (ids.length === 0) return [];
  const replies = await manager.find(OutboundMessageEntity, { where: { messageId: In(ids) } });
  if (replies.length === 0) return [];
  const earlier = await manager.find(InboundEventEntity, { where: { messageId: In(ids) } });
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
      from: ourAddress,
      at: (reply.sentAt ?? reply.createdAt).toISOString(),
      text: reply.body,
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_ENTRIES);
}
