import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { WorkflowRunEntity } from '../workflow/workflow-run.entity';
import type { OutboundStatus } from './outbound-status';

/** How a reply leaves: an email reply, or a signed POST back to the webhook source that started the run. */
export type OutboundChannel = 'email' | 'callback' | 'slack';

/** Where a non-email reply goes; email rows use the address and threading columns instead. */
export type ReplyTarget =
  | {
      channel: 'callback';
      url: string;
      /** The WEBHOOK_SOURCES name whose reply secret signs the POST. */
      source: string;
      eventId: string;
      /** The webhook-id of the request that started the run, so the receiver can match the answer to it. */
      webhookId: string;
    }
  | {
      channel: 'slack';
      /** A Slack channel id; the answer is posted there, in `threadTs`'s thread when set. */
      slackChannel: string;
      threadTs?: string;
      source: string;
      eventId: string;
    };

/** reply: the answer (at most one per run) · holding: the deadline's holding reply (at most one per run). */
export type OutboundKind = 'reply' | 'holding';

/** The outbox: one message per run and kind, sent by the delivery job, never by a graph node. */
@Entity({ name: 'outbound_messages' })
@Index('ix_outbound_messages_status_next', ['status', 'nextAttemptAt'])
@Index('uq_outbound_messages_run_kind', ['runId', 'kind'], { unique: true })
export class OutboundMessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  /** Only a `reply` finishes the run; a `holding` reply leaves its review pending. */
  @Column({ type: 'varchar', length: 16, default: 'reply' })
  kind: OutboundKind;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_outbound_messages_run' })
  run?: WorkflowRunEntity;

  @Column({ type: 'varchar', length: 16 })
  channel: OutboundChannel;

  /** Our deterministic id per run: the email Message-ID with angle brackets, or the callback's webhook-id. */
  @Index('uq_outbound_messages_message_id', { unique: true })
  @Column({ name: 'message_id', type: 'varchar', length: 998 })
  messageId: string;

  /** Null for non-email channels. */
  @Column({ name: 'to_address', type: 'varchar', length: 320, nullable: true })
  toAddress: string | null;

  /** Null for email. */
  @Column({ type: 'jsonb', nullable: true })
  target: ReplyTarget | null;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'in_reply_to', type: 'varchar', length: 998, nullable: true })
  inReplyTo: string | null;

  @Column({ name: 'references', type: 'jsonb' })
  references: string[];

  @Column({ name: 'approved_by', type: 'varchar', length: 320 })
  approvedBy: string;

  /**
   * What the approval was bound to (delivery/approval-binding.ts): a reply whose text, recipient, subject or
   * conversation no longer hash to this is never sent. Null only for holding replies.
   */
  @Column({ name: 'approval_hash', type: 'varchar', length: 64, nullable: true })
  approvalHash: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: OutboundStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  /**
   * Committed by the sender right before the step after which the receiver may hold the message
   * (SMTP: before the final "." of DATA; a callback: before the POST; Slack: before chat.postMessage).
   * A row left `sending` without it never reached the receiver and is sent again; with it, the outcome
   * is uncertain. Cleared whenever the row goes back to pending.
   */
  @Column({ name: 'committed_at', type: 'timestamptz', nullable: true })
  committedAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
