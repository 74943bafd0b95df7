import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import type { Principal } from './principal';
import { SessionEntity } from './session.entity';

/** Owns sessions: token hashes of signed-in browsers. */
@Injectable()
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private sessions(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(SessionEntity);
  }

  /** Adds a session, first sweeping the reviewer's expired ones so the table stays small without a job. */
  async start(session: Pick<SessionEntity, 'tokenHash' | 'reviewerId' | 'expiresAt' | 'lastSeenAt'>): Promise<void> {
    await this.sessions().delete({ reviewerId: session.reviewerId, expiresAt: LessThan(session.lastSeenAt) });
    await this.sessions().insert(session);
  }

  /** The reviewer behind a live session of an enabled account, or null; marks the session as seen. */
  async touch(tokenHash: string): Promise<Omit<Principal, 'kind'> | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE sessions s SET last_seen_at = now()
       FROM reviewers r
       WHERE s.token_hash = $1 AND s.expires_at > now() AND r.id = s.reviewer_id AND r.disabled_at IS NULL
       RETURNING r.id, r.email, r.name, r.role`,
      [tokenHash],
    )) as [Omit<Principal, 'kind'>[], number];
    return rows[0] ?? null;
  }

  async end(tokenHash: string): Promise<void> {
    await this.sessions().delete({ tokenHash });
  }

  async endAllOf(tx: Tx, reviewerId: string): Promise<void> {
    await this.sessions(tx).delete({ reviewerId });
  }
}
