import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/config.schema';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Scrapers may use METRICS_TOKEN (a key that can read metrics and nothing
 * else) or the admin key. Returns whether the Authorization header carries one.
 */
export function metricsAccessCheck(config: AppConfig): (authorization: string | undefined) => boolean {
  const accepted = [config.METRICS_TOKEN, config.ADMIN_API_KEY].filter((key): key is string => !!key).map(digest);
  return (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return false;
    const given = digest(token);
    return accepted.some((key) => timingSafeEqual(given, key));
  };
}
