import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AttachmentMeta, EmailAddress } from '@handoff/contracts';
import type { ReplyChannel } from '../delivery/ports';

export type EventStatus = 'accepted' | 'ignored';

export type { ReplyChannel };

/** How the event arrived: an email (any mail route) or a Standard Webhooks request. */
export type EventChannel = 'email' | 'webhook';

/** One inbound email or webhook, stored exactly once per idempotency key. */
@Entity({ name: 'inbound_events' })
export class InboundEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The route it came in by: api, api-mime, smtp, imap, a provider's name, or webhook:<source name>. */
  @Column({ type: 'varchar', length: 32 })
  source: string;

  @Column({ type: 'varchar', length: 16, default: 'email' })
  channel: EventChannel;

  /** The webhook-id header of the Standard Webhooks request that carried it; null for email. */
  @Column({ name: 'webhook_id', type: 'varchar', length: 255, nullable: true })
  webhookId: string | null;

  @Index('uq_inbound_events_idempotency_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'varchar', length: 512 })
  idempotencyKey: string;

  /** RFC 5322 Message-ID with angle brackets; used to thread our reply. */
  @Index('ix_inbound_events_message_id')
  @Column({ name: 'message_id', type: 'varchar', length: 998, nullable: true })
  messageId: string | null;

  @Column({ name: 'from_address', type: 'varchar', length: 320 })
  fromAddress: string;

  @Column({ name: 'from_name', type: 'text', nullable: true })
  fromName: string | null;

  @Column({ name: 'to_addresses', type: 'jsonb' })
  to: EmailAddress[];

  @Column({ name: 'cc_addresses', type: 'jsonb' })
  cc: EmailAddress[];

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody: string;

  @Column({ name: 'html_body', type: 'text', nullable: true })
  htmlBody: string | null;

  /** The headers that matter for threading and loop prevention, as received. */
  @Column({ type: 'jsonb' })
  headers: Record<string, string>;

  /**
   * The conversation this message belongs to: the sender's address (lower-cased) and the thread's first
   * Message-ID (References' first, else In-Reply-To, else its own). Null when it names no Message-ID at all.
   * Follow-ups find the earlier runs of their conversation by it; see ingest/conversation-key.ts.
   */
  @Index('ix_inbound_events_conversation')
  @Column({ name: 'conversation_key', type: 'varchar', length: 1400, nullable: true })
  conversationKey: string | null;

  @Column({ name: 'in_reply_to', type: 'varchar', length: 998, nullable: true })
  inReplyTo: string | null;

  @Column({ name: 'references', type: 'jsonb' })
  references: string[];

  @Column({ type: 'jsonb' })
  attachments: AttachmentMeta[];

  @Column({ type: 'varchar', length: 16 })
  status: EventStatus;

  /** Null for email: the answer is an email reply. */
  @Column({ name: 'reply_channel', type: 'jsonb', nullable: true })
  replyChannel: ReplyChannel | null;

  @Column({ name: 'ignore_reason', type: 'text', nullable: true })
  ignoreReason: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
