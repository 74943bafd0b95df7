import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '@handoff/contracts';

/** A person who signs in to the review UI. Disabled accounts keep their history but cannot sign in. */
@Entity({ name: 'reviewers' })
export class ReviewerEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Lower-cased at the edge, so uniqueness is case-insensitive. */
  @Index('uq_reviewers_email', { unique: true })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** scrypt$N$r$p$salt$hash, see password.ts. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** The Slack user who acts as this reviewer in Slack, set by an admin; unset means matched by email. */
  @Index('uq_reviewers_slack_user', { unique: true })
  @Column({ name: 'slack_user_id', type: 'varchar', length: 32, nullable: true })
  slackUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
