import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, Not } from 'typeorm';
import { notify } from '../database/notifications';
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

  /** Of these token hashes, the ones whose session is live and whose account is enabled (marks nothing as seen). */
  async liveHashes(tokenHashes: string[]): Promise<Set<string>> {
    const rows = (await this.dataSource.query(
      `SELECT s.token_hash FROM sessions s JOIN reviewers r ON r.id = s.reviewer_id
       WHERE s.token_hash = ANY($1) AND s.expires_at > now() AND r.disabled_at IS NULL`,
      [tokenHashes],
    )) as { token_hash: string }[];
    return new Set(rows.map((row) => row.token_hash));
  }

  /** Ends one session and, on commit, tells open streams of its reviewer to re-check theirs. */
  async end(tokenHash: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const [rows] = (await tx.query('DELETE FROM sessions WHERE token_hash = $1 RETURNING reviewer_id', [
        tokenHash,
      ])) as [{ reviewer_id: string }[], number];
      if (rows[0]) await announceSessionChange(tx, rows[0].reviewer_id);
    });
  }

  /** Ends every session of the reviewer, but the one whose token hash is `except` (the caller's own). */
  async endAllOf(tx: Tx, reviewerId: string, except?: string): Promise<void> {
    await this.sessions(tx).delete(except ? { reviewerId, tokenHash: Not(except) } : { reviewerId });
    await announceSessionChange(tx, reviewerId);
  }
}

/** pg_notify channel carrying the id of a reviewer whose sessions ended; open streams re-check theirs. */
export const SESSION_CHANGES_CHANNEL = 'handoff_sessions';

/** Announces, when the surrounding transaction commits, that a reviewer's sessions changed. */
function announceSessionChange(tx: Tx, reviewerId: string): Promise<void> {
  return notify(tx, SESSION_CHANGES_CHANNEL, reviewerId);
}
