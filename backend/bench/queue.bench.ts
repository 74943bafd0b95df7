/**
 * Queue benchmark: 100,000 pending reviews in a fresh database, the API on
 * loopback, GET /api/v1/reviews measured over real HTTP with a session cookie,
 * next to plain SQL baselines on the same data. Run with `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Client } from 'pg';
import { startService } from '../src/bootstrap';
import { loadConfig } from '../src/config/config.schema';
import { setUpDatabase } from '../src/database/setup';
import { seedReviews } from '../test/support/seed';

const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;
const TARGET_P95_MS = 200;
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = { email: 'bench@handoff.test', password: 'bench-password-123' };

interface Row {
  scenario: string;
  kind: 'HTTP' | 'SQL';
  p50: number;
  p95: number;
  max: number;
}

async function measure(scenario: string, kind: Row['kind'], run: () => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { scenario, kind, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}

async function main(): Promise<void> {
  const name = `handoff_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = `${POSTGRES_URL}/${name}`;
  await setUpDatabase(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    let started = performance.now();
    await seedReviews(db, { count: PENDING });
    await seedReviews(db, { count: PENDING / 5, offset: PENDING, status: 'decided' });
    console.log(`seeded ${PENDING} pending + ${PENDING / 5} decided reviews in ${ms(performance.now() - started)}`);

    service = await startService(
      loadConfig({
        APP_ROLE: 'api',
        PORT: '0',
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: name,
        ADMIN_API_KEY: randomBytes(24).toString('hex'),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      }),
      { logger: ['error'] },
    );
    const url = service.url!;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const get = async (query: string) => {
      const response = await fetch(`${url}/api/v1/reviews?${query}`, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`${query}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { nextCursor: string | null; counts: { total: number } };
    };

    started = performance.now();
    let cursor: string | null = null;
    for (let page = 1; page < 50; page++)
      cursor = (await get(`limit=50${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    console.log(`walked to page 50 in ${ms(performance.now() - started)}`);
    const search = await get('q=order%2042');
    console.log(`search "order 42" matches ${search.counts.total}`);

    const columns =
      'id, run_id, status, round, from_address, subject, category, channel, confidence, created_at, due_at';
    const rows = [
      await measure('default (pending, due asc) + counts', 'HTTP', () => get('')),
      await measure('category=billing, sort=confidence desc', 'HTTP', () =>
        get('category=billing&sort=confidence&order=desc'),
      ),
      await measure('q=order 42 (search)', 'HTTP', () => get('q=order%2042')),
      await measure('assignee=unassigned, sort=age', 'HTTP', () => get('assignee=unassigned&sort=age')),
      await measure('page 50 via cursor', 'HTTP', () => get(`cursor=${cursor}`)),
      await measure('baseline: SELECT … ORDER BY due_at LIMIT 50', 'SQL', () =>
        db.query(`SELECT ${columns} FROM review_tasks WHERE status = 'pending' ORDER BY due_at, id LIMIT 50`),
      ),
      await measure('baseline: page 50 by OFFSET 2450', 'SQL', () =>
        db.query(
          `SELECT ${columns} FROM review_tasks WHERE status = 'pending' ORDER BY due_at, id OFFSET 2450 LIMIT 50`,
        ),
      ),
      await measure('baseline: counts GROUP BY category', 'SQL', () =>
        db.query(`SELECT category, count(*) FROM review_tasks WHERE status = 'pending' GROUP BY category`),
      ),
      await measure('baseline: search by seq scan (no trigram index)', 'SQL', async () => {
        await db.query('BEGIN');
        await db.query('SET LOCAL enable_bitmapscan = off');
        await db.query(
          `SELECT ${columns} FROM review_tasks WHERE status = 'pending' AND (subject || ' ' || from_address) ILIKE '%order 42%' ORDER BY due_at, id LIMIT 50`,
        );
        await db.query('COMMIT');
      }),
    ];
    printTable(rows);
    const slow = rows.filter((row) => row.kind === 'HTTP' && row.p95 > TARGET_P95_MS);
    if (slow.length) {
      console.error(`p95 over ${TARGET_P95_MS} ms: ${slow.map((row) => row.scenario).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await service?.close();
    await db.end();
    await dropWorld(name);
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function printTable(rows: Row[]): void {
  console.log(
    `\nGET /api/v1/reviews, ${PENDING.toLocaleString('en')} pending, ${ITERATIONS} sequential requests each\n`,
  );
  console.log('| Scenario | Via | p50 | p95 | max |');
  console.log('|---|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.scenario} | ${row.kind} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} |`);
  }
}

async function dropWorld(name: string): Promise<void> {
  const admin = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${name}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
