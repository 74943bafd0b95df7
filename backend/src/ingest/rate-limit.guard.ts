import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  OnModuleDestroy,
} from '@nestjs/common';
import Redis from 'ioredis';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { Principal } from '../auth/principal';

const MINUTE_MS = 60_000;

/**
 * GCRA ("leaky bucket as a meter") in one atomic script, on Redis's clock so every API process agrees.
 * The key holds the theoretical arrival time (TAT); a request is let in while TAT stays within
 * `burst` intervals of now. Unlike a fixed window, no burst of twice the limit fits across a boundary.
 * Returns {allowed (1|0), remaining, retry-after ms}.
 */
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local allowFrom = tat + interval - burst * interval
if now < allowFrom then
  return {0, 0, allowFrom - now}
end
local newTat = tat + interval
redis.call('SET', KEYS[1], newTat, 'PX', math.ceil(newTat - now))
return {1, math.floor((now - (newTat - burst * interval)) / interval), 0}
`;

/**
 * Per-key ingest rate limit: INGEST_RATE_LIMIT_PER_MINUTE events, let in as a burst of that many and
 * then one per (minute / limit), shared by every API process through Redis. When Redis cannot
 * answer, requests pass: the limit protects capacity, and refusing mail because the counter is
 * down would lose more than it saves.
 */
@Injectable()
export class IngestRateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly logger = new Logger(IngestRateLimitGuard.name);
  private readonly redis: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    this.redis.on('error', () => undefined); // reported per request below; reconnects on its own
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const who = request.principal?.id ?? `ip:${request.ip}`;
    const key = `${this.config.REDIS_PREFIX}:ratelimit:ingest:${who}`;
    const limit = this.config.INGEST_RATE_LIMIT_PER_MINUTE;
    let verdict: [allowed: number, remaining: number, retryAfterMs: number];
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      verdict = (await this.redis.eval(GCRA_SCRIPT, 1, key, MINUTE_MS / limit, limit)) as typeof verdict;
    } catch (error) {
      this.logger.warn(`rate limit not checked (Redis unavailable): ${(error as Error).message}`);
      return true;
    }
    const [allowed, remaining, retryAfterMs] = verdict;
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('RateLimit-Limit', String(limit));
    response.setHeader('RateLimit-Remaining', String(remaining));
    if (allowed === 1) return true;
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    throw new HttpException(
      `rate limit of ${limit} events per minute exceeded for this key`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
