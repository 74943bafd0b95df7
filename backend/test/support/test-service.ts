import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { Queue } from 'bullmq';
import { Client, Pool } from 'pg';
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

/**
 * The migrated database every world of this test run copies (set by scripts/run-node-tests.mjs, which
 * drops it at the end). Without it, as when a file runs under plain `node --test`, each world migrates its own.
 */
const TEMPLATE_DATABASE = process.env.TEST_TEMPLATE_DATABASE;

/** Runs `work` with a connection to the `postgres` database, for CREATE and DROP DATABASE. */
async function withAdminConnection<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Creates and migrates the run's template database unless it exists. The first test file of the run does it
 * while the others wait on an advisory lock; it is built under another name and renamed when complete, so a
 * file killed mid-migration cannot leave a half-built template behind.
 */
async function ensureTemplateDatabase(template: string): Promise<void> {
  await withAdminConnection(async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount) return;
    const building = `${template}_building`;
    await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await setUpDatabase(`${POSTGRES_URL}/${building}`);
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
  }); // ending the connection releases the lock
}

/** Job states in which a job is still work to do; finished jobs are removed (see QueueModule). */
const UNFINISHED_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** An isolated world for one test file: its own database and Redis prefix, removed afterwards. */
export class TestWorld {
  readonly name = `handoff_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly databaseUrl = `${POSTGRES_URL}/${this.name}`;
  readonly redisPrefix = this.name;
  private readonly services = new Set<RunningService>();
  /**
   * The test's own queries share two connections: a connection per query would start a PostgreSQL
   * backend each time a test polls, and files side by side would use up the server's connection slots.
   */
  private pool?: Pool;

  /** Creates the world's database: a copy of the run's migrated template, or migrated here when there is none. */
  async setUp(): Promise<void> {
    if (!TEMPLATE_DATABASE) return setUpDatabase(this.databaseUrl);
    await ensureTemplateDatabase(TEMPLATE_DATABASE);
    await withAdminConnection((admin) => admin.query(`CREATE DATABASE "${this.name}" TEMPLATE "${TEMPLATE_DATABASE}"`));
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
      // A service without SMTP_URL starts the development mail catcher: on a free port, as files run side by side.
      DEV_MAIL_CATCHER_PORT: '0',
      // Tests of everything but the learned gate route by the static thresholds and draw no audits, so a
      // confident run goes out alone as they expect; the gate's own tests set these back (autopilot.test.ts).
      AUTO_SEND_MODE: 'static',
      AUTO_SEND_AUDIT_RATE: '0',
      // The weekly retrain's scheduler keeps a delayed job in the models queue, which queuesDrained would wait
      // for forever; the retraining tests start their pipelines over the API (models.test.ts).
      MODEL_RETRAIN_CRON: 'off',
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
    if (!this.pool) {
      this.pool = new Pool({ connectionString: this.databaseUrl, max: 2, idleTimeoutMillis: 1_000 });
      // An idle connection cut by a server restart is replaced by the next query; nothing to report.
      this.pool.on('error', () => undefined);
    }
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /**
   * Waits until no queue of this world holds a job that is waiting, running, delayed or retrying: whatever
   * the work already done was going to cause has happened. Seen twice in a row, since a job moves from one
   * queue to the next between two reads.
   */
  async queuesDrained(timeoutMs = 20_000): Promise<void> {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queues = new Map<string, Queue>();
    const unfinishedJobs = async () => {
      const metaKeys = await redis.keys(`${this.redisPrefix}:*:meta`);
      let total = 0;
      for (const key of metaKeys) {
        const name = key.slice(this.redisPrefix.length + 1, -':meta'.length);
        if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redis, prefix: this.redisPrefix }));
        const counts = await queues.get(name)!.getJobCounts(...UNFINISHED_JOB_STATES);
        total += Object.values(counts).reduce((sum, count) => sum + count, 0);
      }
      return total;
    };
    try {
      let emptyBefore = false;
      await eventually(
        async () => {
          const empty = (await unfinishedJobs()) === 0;
          const drained = empty && emptyBefore;
          emptyBefore = empty;
          return drained || undefined;
        },
        `the queues of ${this.name} to drain`,
        timeoutMs,
      );
    } finally {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      redis.disconnect();
    }
  }

  async tearDown(): Promise<void> {
    for (const service of this.services) await service.close();
    this.services.clear();
    await this.pool?.end();
    this.pool = undefined;
    if (process.env.TEST_KEEP_DB) {
      console.log(`kept database ${this.name}`);
      return;
    }
    await withAdminConnection((admin) => admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${this.redisPrefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
}

/** First and longest pause between two probes: quick answers are seen at once, slow ones cost few probes. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let pause = FIRST_POLL_MS;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, MAX_POLL_MS);
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
