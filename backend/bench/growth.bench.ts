/**
 * Storage growth per run: pushes N auto-answered emails through the real stack
 * (API + worker in process, local model, loopback SMTP) into a fresh database
 * and Redis prefix, then reports PostgreSQL bytes per run (our tables and the
 * LangGraph checkpoints, before and after retention prunes them) and Redis
 * keys and bytes per run, each against the empty baseline of the same run.
 * Run with `npm run bench` (BENCH_GROWTH_RUNS sets N).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { startService } from '../src/bootstrap';
import type { Clock } from '../src/common/clock';
import { loadConfig } from '../src/config/config.schema';
import { CHECKPOINT_SCHEMA, setUpDatabase } from '../src/database/setup';
import { MailCatcher } from '../src/delivery/mail-catcher';
import { CheckpointRetentionService } from '../src/workflow/checkpoint-retention.service';
import { orderStatusEmail } from '../test/support/emails';

const RUNS = Number(process.env.BENCH_GROWTH_RUNS ?? 200);
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const API_KEY = 'bench-admin-key-0123456789abcdef';

interface Sizes {
  ours: number;
  checkpoints: number;
  redisKeys: number;
  redisBytes: number;
}

async function sizes(db: Client, redis: Redis, prefix: string): Promise<Sizes> {
  // VACUUM FULL (the bench owns this database) so freed pages are not counted as growth.
  await db.query('VACUUM FULL');
  const { rows } = await db.query<{ schema: string; bytes: string }>(
    `SELECT n.nspname AS schema, sum(pg_total_relation_size(c.oid))::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname IN ('public', $1) AND c.relname <> 'typeorm_migrations'
      GROUP BY n.nspname`,
    [CHECKPOINT_SCHEMA],
  );
  const bytes = (schema: string) => Number(rows.find((row) => row.schema === schema)?.bytes ?? 0);
  const keys = await redis.keys(`${prefix}:*`);
  let redisBytes = 0;
  for (const key of keys) redisBytes += (await redis.memory('USAGE', key)) ?? 0;
  return { ours: bytes('public'), checkpoints: bytes(CHECKPOINT_SCHEMA), redisKeys: keys.length, redisBytes };
}

async function main(): Promise<void> {
  const name = `handoff_bench_growth_${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = `${POSTGRES_URL}/${name}`;
  await setUpDatabase(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const redis = new Redis(REDIS_URL);
  const smtp = new MailCatcher();
  await smtp.start();
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    service = await startService(
      loadConfig({
        PORT: '0',
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: name,
        ADMIN_API_KEY: API_KEY,
        SMTP_URL: smtp.url,
        MAIL_FROM: 'support@handoff.test',
        SWEEP_INTERVAL_MS: '500',
        LOG_LEVEL: 'error',
      }),
      { logger: ['error'], clock },
    );
    const baseline = await sizes(db, redis, name);

    const post = (body: unknown) =>
      fetch(`${service!.url}/api/v1/events/email`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (let i = 0; i < RUNS; i++) {
      const response = await post(orderStatusEmail({ messageId: `<${randomUUID()}@customer.example>` }));
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
    }
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM workflow_runs WHERE status NOT IN ('sent', 'rejected', 'ignored', 'failed')`,
      );
      if (rows[0]!.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${rows[0]!.n} runs still unfinished`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const afterRuns = await sizes(db, redis, name);

    offsetMs = 8 * 24 * 3_600_000; // past CHECKPOINT_RETENTION_HOURS
    const { threads } = await service.app.get(CheckpointRetentionService).prune();
    const afterPrune = await sizes(db, redis, name);

    const perRun = (after: number, before: number) => Math.round((after - before) / RUNS);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    console.log(`\n${RUNS} runs (auto-sent replies, local model); pruned checkpoints of ${threads} runs\n`);
    console.log('| Measure | Baseline (empty) | After runs | Per run | After pruning | Per run after pruning |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const row = (label: string, pick: (sizes: Sizes) => number, format: (value: number) => string) =>
      console.log(
        `| ${label} | ${format(pick(baseline))} | ${format(pick(afterRuns))} | ${format(perRun(pick(afterRuns), pick(baseline)))} | ${format(pick(afterPrune))} | ${format(perRun(pick(afterPrune), pick(baseline)))} |`,
      );
    row('PostgreSQL, our tables', (s) => s.ours, kib);
    row('PostgreSQL, LangGraph checkpoints', (s) => s.checkpoints, kib);
    row('Redis keys', (s) => s.redisKeys, String);
    row('Redis bytes', (s) => s.redisBytes, kib);
  } finally {
    await service?.close();
    await smtp.stop();
    await db.end();
    const keys = await redis.keys(`${name}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    const admin = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
