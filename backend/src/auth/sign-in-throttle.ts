import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';

/** Which limit a refused attempt ran into. */
export type ThrottleScope = 'account' | 'client';

export type Admission =
  | { admitted: true; attempt: Attempt }
  | {
      admitted: false;
      retryAfterSeconds: number;
      /** The scopes this very attempt locked (empty when an earlier lock still holds): each lock is audited once. */
      newlyLocked: ThrottleScope[];
    };

/** An admitted attempt, counted as a failure until settled otherwise. */
export interface Attempt {
  accountKeys: SubjectKeys;
  clientKeys: SubjectKeys;
}

interface SubjectKeys {
  failures: string;
  strikes: string;
  lock: string;
}

/**
 * Admits an attempt unless the account or the client is locked. Counting happens here, before the password is
 * checked, so concurrent guesses cannot all slip through while the first ones are still being verified. A subject
 * whose failures within the window reached its limit is locked, for the first lock's length doubled for each lock
 * it has had (its strikes, forgotten once a maximum lock's length passes after a lock ends), up to the maximum.
 * Returns {admitted, lockMs, newlyLockedMask}: bit 1 the account, bit 2 the client.
 */
const ADMIT_SCRIPT = `
local accountLockMs = redis.call('PTTL', KEYS[3])
local clientLockMs = redis.call('PTTL', KEYS[6])
if accountLockMs > 0 or clientLockMs > 0 then return {0, math.max(accountLockMs, clientLockMs), 0} end
local windowMs, firstLockMs, maxLockMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function lock(failures, strikes, lockKey)
  local count = redis.call('INCR', strikes)
  local lockMs = math.floor(math.min(firstLockMs * 2 ^ (count - 1), maxLockMs))
  redis.call('SET', lockKey, '1', 'PX', lockMs)
  redis.call('PEXPIRE', strikes, lockMs + maxLockMs)
  redis.call('DEL', failures)
  return lockMs
end
local lockMs, locked = 0, 0
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  lockMs = lock(KEYS[1], KEYS[2], KEYS[3])
  locked = 1
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[2]) then
  lockMs = math.max(lockMs, lock(KEYS[4], KEYS[5], KEYS[6]))
  locked = locked + 2
end
if locked > 0 then return {0, lockMs, locked} end
for _, failures in ipairs({KEYS[1], KEYS[4]}) do
  if redis.call('INCR', failures) == 1 then redis.call('PEXPIRE', failures, windowMs) end
end
return {1, 0, 0}
`;

/** Takes back an admitted attempt's count; with ARGV[1] = 1 the account's failures and strikes are forgiven too. */
const SETTLE_SCRIPT = `
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[1], KEYS[2])
elseif tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
`;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Brute-force protection for password checks, per account and per client address, with backoff: counted
 * in Redis so every API process shares it (like the ingest limiter). When Redis cannot answer, attempts
 * pass: a Redis outage already stops the queues, and refusing every sign-in would lock out the reviewers
 * who have to deal with it.
 */
@Injectable()
export class SignInThrottle implements OnModuleDestroy {
  private readonly logger = new Logger(SignInThrottle.name);
  private readonly redis: Redis;
  private connecting?: Promise<void>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    this.redis.on('error', () => undefined); // reported per attempt below; reconnects on its own
  }

  /** Counts an attempt to check `account`'s password from `clientAddress`, or refuses it while either is locked. */
  async admit(account: string, clientAddress: string): Promise<Admission> {
    const attempt: Attempt = {
      // Hashed: the keys name no account, and any length or character fits.
      accountKeys: this.keys('account', sha256(account)),
      clientKeys: this.keys('client', clientAddress),
    };
    const { config } = this;
    let answer: [number, number, number];
    try {
      answer = (await (
        await this.connected()
      ).eval(
        ADMIT_SCRIPT,
        6,
        ...Object.values(attempt.accountKeys),
        ...Object.values(attempt.clientKeys),
        config.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
        config.SIGNIN_MAX_FAILURES_PER_CLIENT,
        config.SIGNIN_FAILURE_WINDOW_SECONDS * 1000,
        config.SIGNIN_LOCK_SECONDS * 1000,
        config.SIGNIN_MAX_LOCK_SECONDS * 1000,
      )) as [number, number, number];
    } catch (error) {
      this.logger.warn(`sign-in throttle not checked (Redis unavailable): ${(error as Error).message}`);
      return { admitted: true, attempt };
    }
    const [admitted, lockMs, lockedMask] = answer;
    if (admitted) return { admitted: true, attempt };
    const newlyLocked: ThrottleScope[] = [];
    if (lockedMask & 1) newlyLocked.push('account');
    if (lockedMask & 2) newlyLocked.push('client');
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(lockMs / 1000)), newlyLocked };
  }

  /** The password was right: the account's failures and backoff are forgiven, and the client is not charged. */
  succeeded(attempt: Attempt): Promise<void> {
    return this.settle(attempt.accountKeys, attempt.clientKeys, true);
  }

  /** The check could not be made (e.g. the database was down): the attempt counts against no one. */
  refund(attempt: Attempt): Promise<void> {
    return this.settle(attempt.accountKeys, attempt.clientKeys, false);
  }

  /** Lifts the account's lock and forgets its failures, for when an admin has just set a new password. */
  async unlockAccount(account: string): Promise<void> {
    const keys = this.keys('account', sha256(account));
    try {
      await (await this.connected()).del(keys.failures, keys.strikes, keys.lock);
    } catch (error) {
      this.logger.warn(`sign-in lock not lifted (Redis unavailable): ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }

  private async settle(account: SubjectKeys, client: SubjectKeys, forgiveAccount: boolean): Promise<void> {
    try {
      await (
        await this.connected()
      ).eval(SETTLE_SCRIPT, 3, account.failures, account.strikes, client.failures, forgiveAccount ? '1' : '0');
    } catch (error) {
      this.logger.warn(`sign-in throttle not settled (Redis unavailable): ${(error as Error).message}`);
    }
  }

  /** Connects on first use; concurrent first callers share the attempt. Without the offline queue, a Redis that is down fails fast. */
  private async connected(): Promise<Redis> {
    // A failed first connect is not remembered: ioredis keeps reconnecting, and later commands use it once it is back.
    if (this.redis.status === 'wait') this.connecting = this.redis.connect().catch(() => undefined);
    await this.connecting;
    return this.redis;
  }

  private keys(scope: ThrottleScope, subject: string): SubjectKeys {
    const base = `${this.config.REDIS_PREFIX}:signin:${scope}:${subject}`;
    return { failures: `${base}:failures`, strikes: `${base}:strikes`, lock: `${base}:lock` };
  }
}
