import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThan, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { Principal } from './principal';
import { SessionEntity } from './session.entity';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** pg_notify channel carrying the id of a reviewer whose sessions ended; open streams re-check theirs. */
export const SESSION_CHANGES_CHANNEL = 'handoff_sessions';

/** Announces, when the surrounding transaction commits, that a reviewer's sessions changed. */
export async function announceSessionChange(manager: EntityManager | DataSource, reviewerId: string): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [SESSION_CHANGES_CHANNEL, reviewerId]);
}

/** Browser sessions: the cookie holds 32 random bytes, the table only their SHA-256. */
@Injectable()
export class SessionsService {
  readonly ttlMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.SESSION_TTL_HOURS * 3_600_000;
  }

  /** Starts a session and returns the token for the cookie. */
  async start(reviewerId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const sessions = this.dataSource.getRepository(SessionEntity);
    // Expired sessions are swept per reviewer at each sign-in, so the table stays small without a job.
    await sessions.delete({ reviewerId, expiresAt: LessThan(now) });
    await sessions.insert({
      tokenHash: tokenHash(token),
      reviewerId,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      lastSeenAt: now,
    });
    return token;
  }

  /** The reviewer behind a live session of an enabled account, or null; marks the session as seen. */
  async resolve(token: string): Promise<Principal | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE sessions s SET last_seen_at = now()
       FROM reviewers r
       WHERE s.token_hash = $1 AND s.expires_at > now() AND r.id = s.reviewer_id AND r.disabled_at IS NULL
       RETURNING r.id, r.email, r.name, r.role`,
      [tokenHash(token)],
    )) as [Omit<Principal, 'kind'>[], number];
    const row = rows[0];
    return row ? { ...row, kind: 'session' } : null;
  }

  /** Of these tokens, the ones whose session is live and whose account is enabled (marks nothing as seen). */
  async liveTokens(tokens: string[]): Promise<Set<string>> {
    const byHash = new Map(tokens.map((token) => [tokenHash(token), token]));
    const rows = (await this.dataSource.query(
      `SELECT s.token_hash FROM sessions s JOIN reviewers r ON r.id = s.reviewer_id
       WHERE s.token_hash = ANY($1) AND s.expires_at > now() AND r.disabled_at IS NULL`,
      [[...byHash.keys()]],
    )) as { token_hash: string }[];
    return new Set(rows.map((row) => byHash.get(row.token_hash)!));
  }

  async end(token: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query('DELETE FROM sessions WHERE token_hash = $1 RETURNING reviewer_id', [
        tokenHash(token),
      ])) as [{ reviewer_id: string }[], number];
      if (rows[0]) await announceSessionChange(manager, rows[0].reviewer_id);
    });
  }
}
