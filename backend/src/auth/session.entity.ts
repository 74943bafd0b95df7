import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReviewerEntity } from './reviewer.entity';

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored, so a database leak signs nobody in. */
@Entity({ name: 'sessions' })
export class SessionEntity {
  /** Hex SHA-256 of the 32 random bytes in the cookie. */
  @PrimaryColumn({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Index('ix_sessions_reviewer')
  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId: string;

  @ManyToOne(() => ReviewerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reviewer_id', foreignKeyConstraintName: 'fk_sessions_reviewer' })
  reviewer?: ReviewerEntity;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
