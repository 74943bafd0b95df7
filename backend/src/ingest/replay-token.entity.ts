import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A signature nonce already accepted (e.g. a Mailgun token); kept until a request carrying it would be stale anyway. */
@Entity({ name: 'inbound_replay_tokens' })
export class ReplayTokenEntity {
  /** `<channel>:<token>` */
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key: string;

  @Index('ix_inbound_replay_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
