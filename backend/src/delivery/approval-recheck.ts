import { Logger } from '@nestjs/common';
import type { AuditRepository } from '../audit/audit.repository';
import type { Tx } from '../database/unit-of-work';
import type { MetricsService } from '../observability/metrics.service';
import { verifyApproval } from './approval-binding';
import type { OutboundMessageEntity } from './outbound-message.entity';
import type { OutboxRepository } from './outbox.repository';
import type { Conversations, DeliveryRuns } from './ports';

export interface RecheckDeps {
  outbox: OutboxRepository;
  conversations: Conversations;
  runs: DeliveryRuns;
  audit: AuditRepository;
  metrics: MetricsService;
}

const logger = new Logger('ApprovalRecheck');

/**
 * The last check before a reply leaves, inside the claim's transaction (which holds the conversation's lock,
 * taken first, and the row's): is the row still exactly what was approved, in answer to the conversation's
 * latest message? If not, it is withheld: a newer message from the customer supersedes the run (that
 * message's run answers the whole thread); any other difference fails the run for an operator, unsent.
 * Returns whether the reply was withheld. Holding replies are not approvals and are not checked.
 */
export async function withheldAtSendTime(tx: Tx, row: OutboundMessageEntity, deps: RecheckDeps): Promise<boolean> {
  if (row.kind !== 'reply') return false;
  const conversation = await deps.conversations.conversationOf(tx, row.runId);
  const verdict = verifyApproval(row, conversation.eventId, await deps.conversations.newerMessageOfRun(tx, row.runId));
  if (verdict.ok) return false;
  if (verdict.reason === 'stale') {
    await deps.outbox.move(tx, row.id, 'superseded', { lastError: 'the customer wrote again before it was sent' });
    await deps.runs.supersedeByMessage(tx, row.runId, verdict.newerEventId);
  } else {
    const error = 'reply withheld: it no longer matches what was approved';
    await deps.outbox.move(tx, row.id, 'failed', { lastError: error });
    await deps.runs.finishRun(tx, row.runId, 'failed', { error, failedStep: 'delivery' });
    logger.error(`outbound ${row.id}: ${error}`);
  }
  await deps.audit.record(tx, {
    actor: 'system',
    action: verdict.reason === 'stale' ? 'reply.superseded' : 'reply.withheld',
    entityType: 'outbound',
    entityId: row.id,
    data: { runId: row.runId, ...(verdict.reason === 'stale' ? { newerEventId: verdict.newerEventId } : {}) },
  });
  deps.metrics.deliveries.inc({ channel: row.channel, status: verdict.reason === 'stale' ? 'superseded' : 'withheld' });
  return true;
}
