import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { Principal } from './principal';
import { SessionRepository } from './session.repository';

/** What the sessions table stores of a cookie's token. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Browser sessions: the cookie holds 32 random bytes, the table only their SHA-256. */
@Injectable()
export class SessionsService {
  readonly ttlMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.SESSION_TTL_HOURS * 3_600_000;
  }

  /** Starts a session and returns the token for the cookie. */
  async start(reviewerId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.sessions.start({
      tokenHash: tokenHash(token),
      reviewerId,
      expiresAt: new Date(now.getTime() + this.ttlMs),
      lastSeenAt: now,
    });
    return token;
  }

  /** The reviewer behind a live session of an enabled account, or null; marks the session as seen. */
  async resolve(token: string): Promise<Principal | null> {
    const row = await this.sessions.touch(tokenHash(token));
    return row ? { ...row, kind: 'session' } : null;
  }

  /** Of these tokens, the ones whose session is live and whose account is enabled (marks nothing as seen). */
  async liveTokens(tokens: string[]): Promise<Set<string>> {
    const byHash = new Map(tokens.map((token) => [tokenHash(token), token]));
    const live = await this.sessions.liveHashes([...byHash.keys()]);
    return new Set([...live].map((hash) => byHash.get(hash)!));
  }

  async end(token: string): Promise<void> {
    await this.sessions.end(tokenHash(token));
  }
}
