import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { NotificationListener } from '../database/notifications';
import type { Principal } from './principal';
import { readSessionCookie } from './session-cookie';
import { SESSION_CHANGES_CHANNEL } from './session.repository';
import { SessionsService } from './sessions.service';

interface Watch {
  token: string;
  reviewerId: string;
  end(): void;
}

/**
 * Keeps long-lived responses (the review stream) tied to the session that opened them: each is
 * re-checked when its reviewer's sessions change (sign-out, account disabled, announced with
 * pg_notify from any process) and every SESSION_RECHECK_MS (expiry, anything not announced),
 * and ended once its session no longer stands.
 */
@Injectable()
export class SessionWatchService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SessionWatch');
  private readonly watches = new Set<Watch>();
  private listener?: NotificationListener;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Calls `end` when the session behind `request` ends; the API key has no session and is not watched. */
  watch(request: Request, principal: Principal, end: () => void): () => void {
    const token = readSessionCookie(request);
    if (principal.kind !== 'session' || !token) return () => undefined;
    const watch: Watch = { token, reviewerId: principal.id, end };
    this.watches.add(watch);
    return () => this.watches.delete(watch);
  }

  async onModuleInit(): Promise<void> {
    if (this.config.APP_ROLE === 'worker') return;
    this.listener = new NotificationListener(
      this.config.DATABASE_URL,
      SESSION_CHANGES_CHANNEL,
      (reviewerId) => void this.recheck((watch) => watch.reviewerId === reviewerId),
    );
    await this.listener.start();
    this.timer = setInterval(() => void this.recheck(() => true), this.config.SESSION_RECHECK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.listener?.stop();
  }

  private async recheck(which: (watch: Watch) => boolean): Promise<void> {
    const due = [...this.watches].filter(which);
    if (due.length === 0) return;
    let live: Set<string>;
    try {
      live = await this.sessions.liveTokens(due.map((watch) => watch.token));
    } catch (error) {
      // Unverifiable is not valid: the browser reconnects, and its new request is authenticated afresh.
      this.logger.warn(`session re-check failed, ending ${due.length} stream(s): ${(error as Error).message}`);
      live = new Set();
    }
    for (const watch of due) {
      if (live.has(watch.token)) continue;
      this.watches.delete(watch);
      watch.end();
    }
  }
}
