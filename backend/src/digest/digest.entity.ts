import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DigestStatus } from './digest-status';

/**
 * One row per digest date (the primary key makes it unique): whichever worker claims it sends it, so a day's
 * digest goes out once however many workers run the schedule. Holds figures' outcome only, never their text.
 */
@Entity({ name: 'digests' })
export class DigestEntity {
  /** The day the digest reports on, in DIGEST_TIMEZONE (YYYY-MM-DD). */
  @PrimaryColumn({ name: 'digest_date', type: 'date', primaryKeyConstraintName: 'pk_digests' })
  digestDate: string;

  @Column({ type: 'varchar', length: 16 })
  status: DigestStatus;

  /** Sending attempts so far, retries and re-sends included. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Why nothing was sent (a day without traffic). */
  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** While sending: when the claim lapses and another worker may take the digest over. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  /** Per channel, so a retry after a partial failure sends only to the channel that missed it. */
  @Column({ name: 'email_sent_at', type: 'timestamptz', nullable: true })
  emailSentAt: Date | null;

  @Column({ name: 'slack_sent_at', type: 'timestamptz', nullable: true })
  slackSentAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
