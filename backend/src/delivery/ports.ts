import type { Tx } from '../database/unit-of-work';

/** Where the approved answer goes when it is not an email reply (webhook sources). */
export type ReplyChannel =
  | { channel: 'callback'; url: string }
  | { channel: 'slack'; slackChannel: string; threadTs?: string }
  | { channel: 'none' };

/** What delivery needs of the run a reply belongs to. Declared here, implemented by workflow (which owns runs). */
export interface DeliveryRuns {
  /** The run's reply was sent, or will never be: the run ends with it. */
  finishRun(
    tx: Tx,
    runId: string,
    status: 'sent' | 'failed',
    failure?: { error: string; failedStep?: string },
  ): Promise<void>;
  /** The customer wrote again before the run's reply went out: the run ends superseded by the newer message's run. */
  supersedeByMessage(tx: Tx, runId: string, newerEventId: string): Promise<void>;
  /** The reply may or may not be with the customer: the run waits, visibly, as `delivery_uncertain`. */
  deliveryUncertain(tx: Tx, runId: string, reason: string): Promise<void>;
  /** An uncertain reply goes out again: the run is back to `sending`. */
  deliveryResumed(tx: Tx, runId: string): Promise<void>;
}
export const DELIVERY_RUNS = Symbol('DELIVERY_RUNS');

/** The message a reply answers and where the answer goes. */
export interface Conversation {
  runId: string;
  eventId: string;
  fromAddress: string;
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Null for email: the answer is an email reply. */
  replyChannel: ReplyChannel | null;
  /** The webhook source's name and the webhook-id of the request that started the run; null for email. */
  webhook: { source: string; webhookId: string } | null;
  /** False once the run was superseded (the customer wrote again): it may not request a reply any more. */
  open: boolean;
}

/** Declared here, implemented by ingest (which owns events). */
export interface Conversations {
  /** Locks the run's row for the transaction (a superseding follow-up waits for it, or it for them). */
  conversationOf(tx: Tx, runId: string): Promise<Conversation>;
  /** Serialises the transaction with the conversation's follow-up decisions; taken before any row lock. */
  lockConversationOfRun(tx: Tx, runId: string): Promise<void>;
  /** A message of the conversation newer than the run's own that still asks for an answer, if any. */
  newerMessageOfRun(tx: Tx, runId: string): Promise<string | null>;
}
export const CONVERSATIONS = Symbol('CONVERSATIONS');
