import { Injectable } from '@nestjs/common';
import type { FollowUp } from '@handoff/contracts';
import type { InboundMessage } from '@handoff/graphs';
import type { Tx } from '../database/unit-of-work';
import type { Conversation, Conversations } from '../delivery/ports';
import type { ReviewMessage, ReviewMessages } from '../reviews/ports';
import type { RunInputs, RunOrigin } from '../workflow/ports';
import { RunRepository } from '../workflow/run.repository';
import type { InboundEventEntity } from './inbound-event.entity';
import { InboundEventRepository, webhookSourceName } from './inbound-event.repository';
import { ThreadHistory } from './thread-history';

/** What later stages read of an event: the graph's input, a review's origin and page, a reply's addressing. */
@Injectable()
export class ConversationsService implements RunInputs, Conversations, ReviewMessages {
  constructor(
    private readonly events: InboundEventRepository,
    private readonly runs: RunRepository,
    private readonly threads: ThreadHistory,
  ) {}

  async messageFor(eventId: string): Promise<InboundMessage> {
    const event = await this.events.get(eventId);
    return {
      eventId: event.id,
      ...(event.messageId ? { messageId: event.messageId } : {}),
      from: { address: event.fromAddress, ...(event.fromName ? { name: event.fromName } : {}) },
      to: event.to,
      cc: event.cc,
      subject: event.subject,
      text: event.textBody,
      receivedAt: event.receivedAt.toISOString(),
      attachments: event.attachments,
      // Who approved our earlier replies is for reviewers, not for the model.
      thread: (await this.threads.of(event)).map(({ approvedBy: _approvedBy, ...entry }) => entry),
    };
  }

  async messageOfRun(runId: string): Promise<ReviewMessage> {
    const run = await this.runs.get(runId);
    const event = await this.events.get(run.eventId);
    return {
      from: { address: event.fromAddress, name: event.fromName },
      to: event.to,
      cc: event.cc,
      subject: event.subject,
      text: event.textBody,
      untrustedHtml: event.htmlBody,
      messageId: event.messageId,
      receivedAt: event.receivedAt.toISOString(),
      attachments: event.attachments,
      thread: await this.threads.of(event),
    };
  }

  async followUpOf(runId: string): Promise<Omit<FollowUp, 'reviewId'> | null> {
    const run = await this.runs.get(runId);
    if (run.status === 'superseded' && run.supersededBy) {
      const newer = await this.runs.get(run.supersededBy);
      return {
        kind: 'superseded',
        runId: newer.id,
        message: this.followUpMessage(await this.events.get(newer.eventId)),
      };
    }
    const [earliest] = await this.runs.supersededBy(runId);
    if (!earliest) return null;
    return {
      kind: 'supersedes',
      runId: earliest.id,
      message: this.followUpMessage(await this.events.get(run.eventId)),
    };
  }

  private followUpMessage(event: InboundEventEntity): FollowUp['message'] {
    return { from: event.fromAddress, receivedAt: event.receivedAt.toISOString(), text: event.textBody };
  }

  async originOf(eventId: string): Promise<RunOrigin> {
    const event = await this.events.get(eventId);
    return {
      fromAddress: event.fromAddress,
      subject: event.subject,
      channel: event.channel,
      takesNoReply: event.replyChannel?.channel === 'none',
    };
  }

  async conversationOf(tx: Tx, runId: string): Promise<Conversation> {
    const run = await this.runs.lock(tx, runId);
    if (!run) throw new Error(`run ${runId} not found`);
    const event = await this.events.get(run.eventId, tx);
    return {
      runId,
      eventId: event.id,
      fromAddress: event.fromAddress,
      subject: event.subject,
      messageId: event.messageId,
      inReplyTo: event.inReplyTo,
      references: event.references,
      replyChannel: event.replyChannel,
      webhook:
        event.channel === 'webhook' && event.webhookId
          ? { source: webhookSourceName(event.source), webhookId: event.webhookId }
          : null,
      open: run.status !== 'superseded',
    };
  }

  lockConversationOfRun(tx: Tx, runId: string): Promise<void> {
    return this.events.lockConversationOfRun(tx, runId);
  }

  newerMessageOfRun(tx: Tx, runId: string): Promise<string | null> {
    return this.events.newerMessageOfRun(tx, runId);
  }

  openEarlierRuns(tx: Tx, runId: string): Promise<string[]> {
    return this.events.openEarlierRuns(tx, runId);
  }
}
