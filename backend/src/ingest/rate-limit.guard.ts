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

const WINDOW_SECONDS = 60;

/**
 * Per-key ingest rate limit: a fixed one-minute window counted in Redis, so
 * every API process shares it. When Redis cannot answer, requests pass: the
 * limit protects capacity, and refusing mail because the counter is down
 * would lose more than it saves.
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
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const key = `${this.config.REDIS_PREFIX}:ratelimit:ingest:${who}:${window}`;
    let count: number;
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const [[, incremented]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS * 2)
        .exec()) as [[null, number]];
      count = incremented;
    } catch (error) {
      this.logger.warn(`rate limit not checked (Redis unavailable): ${(error as Error).message}`);
      return true;
    }
    const limit = this.config.INGEST_RATE_LIMIT_PER_MINUTE;
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('RateLimit-Limit', String(limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, limit - count)));
    if (count <= limit) return true;
    const retryAfter = WINDOW_SECONDS - (Math.floor(Date.now() / 1000) % WINDOW_SECONDS);
    response.setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `rate limit of ${limit} events per minute exceeded for this key`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
