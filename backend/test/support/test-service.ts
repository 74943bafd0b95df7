import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { Client } from 'pg';
import Redis from 'ioredis';
import { startService, type RunningService, type StartOptions } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/config/config.schema';
import { setUpDatabase } from '../../src/database/setup';
import { MailCatcher } from '../../src/delivery/mail-catcher';

/** Base URL of the machine's PostgreSQL; each test file creates and drops its own database on it. */
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_API_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_UI_ORIGIN = 'http://ui.handoff.test:3001';
export const TEST_ADMIN = { email: 'admin@handoff.test', password: 'admin-password-123' };

/** An isolated world for one test file: its own database and Redis prefix, removed afterwards. */
export class TestWorld {
  readonly name = `handoff_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly databaseUrl = `${POSTGRES_URL}/${this.name}`;
  readonly redisPrefix = this.name;
  private readonly services = new Set<RunningService>();

  async setUp(): Promise<void> {
    await setUpDatabase(this.databaseUrl);
  }

  config(overrides: Record<string, string> = {}): AppConfig {
    return loadConfig(this.env(overrides));
  }

  /** The environment a service process of this world runs with. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      PORT: '0',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      ADMIN_API_KEY: TEST_API_KEY,
      SWEEP_INTERVAL_MS: '500',
      MAIL_FROM: 'support@handoff.test',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      PUBLIC_UI_URL: TEST_UI_ORIGIN,
      ...overrides,
    };
  }

  /** Boots the service in-process, as `npm start` would, on a free port. */
  async start(
    overrides: Record<string, string> = {},
    options: StartOptions = {},
  ): Promise<RunningService & { url: string }> {
    const service = await startService(this.config(overrides), {
      logger: process.env.TEST_LOGS ? undefined : ['error'],
      ...options,
    });
    this.services.add(service);
    return service as RunningService & { url: string };
  }

  async stop(service: RunningService): Promise<void> {
    this.services.delete(service);
    await service.close();
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async tearDown(): Promise<void> {
    for (const service of this.services) await service.close();
    this.services.clear();
    if (process.env.TEST_KEEP_DB) {
      console.log(`kept database ${this.name}`);
      return;
    }
    const admin = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${this.redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/**
 * Registers before/after hooks for a test file that needs its own world and a
 * real SMTP server on loopback, and returns them. `then` runs inside the same
 * hook once both are up, so it can rely on them.
 */
export function useWorldWithSmtp(then?: () => Promise<void>): { world: TestWorld; smtp: MailCatcher } {
  const world = new TestWorld();
  const smtp = new MailCatcher();
  before(async () => {
    await world.setUp();
    await smtp.start();
    await then?.();
  });
  after(async () => {
    await world.tearDown();
    await smtp.stop();
  });
  return { world, smtp };
}
