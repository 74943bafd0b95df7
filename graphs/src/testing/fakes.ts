import type { InboundMessage, ReplyIntent } from '../schemas';
import { createTriagePolicy, type TriagePolicyConfig } from '../policy';
import type { Clock, ReplyOutbox, TriagePolicy } from '../ports';

/** Records reply intents, keeping the first per run as the real outbox does. */
export class InMemoryOutbox implements ReplyOutbox {
  private readonly byRun = new Map<string, ReplyIntent>();
  /** Every requestReply call, duplicates included. */
  calls = 0;

  async requestReply(intent: ReplyIntent): Promise<void> {
    this.calls += 1;
    if (!this.byRun.has(intent.runId)) this.byRun.set(intent.runId, intent);
  }

  get intents(): ReplyIntent[] {
    return [...this.byRun.values()];
  }
}

export function fixedClock(iso = '2025-01-15T09:30:00.000Z'): Clock {
  return { now: () => new Date(iso) };
}

/** The default policy (default taxonomy, threshold 0.8, legal/security/complaint reviewed) unless overridden. */
export function testPolicy(overrides: TriagePolicyConfig = {}): TriagePolicy {
  return createTriagePolicy(overrides);
}

/** A parsed inbound email with sensible defaults. */
export function inboundMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    eventId: 'evt-1',
    from: { address: 'jane.doe@example.com', name: 'Jane Doe' },
    to: [{ address: 'support@shop.example' }],
    cc: [],
    subject: 'Question',
    text: 'Hello, I have a question.',
    receivedAt: '2025-01-15T09:29:00.000Z',
    attachments: [],
    thread: [],
    ...overrides,
  };
}
