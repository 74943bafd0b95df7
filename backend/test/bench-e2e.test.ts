import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { BenchReport } from '../bench/e2e/report';

const BENCH = join(__dirname, '../bench/e2e/main.js');
const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs the bench as `npm run bench:e2e` would, on the same servers as the tests. */
function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BENCH, ...args], {
    env: { ...process.env, BENCH_POSTGRES_URL: POSTGRES_URL, BENCH_REDIS_URL: REDIS_URL },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function runJson(args: string[]): Promise<BenchReport> {
  const { code, stdout, stderr } = await bench([...args, '--json']);
  assert.equal(code, 0, `bench exited ${code}\n${stderr}`);
  return JSON.parse(stdout) as BenchReport;
}

/** Nothing the run created is left: its databases and its Redis keys are gone. */
async function assertCleanedUp(report: BenchReport): Promise<void> {
  assert.ok(report.resources.databases.length > 0);
  const client = new Client({ connectionString: `${POSTGRES_URL}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
      report.resources.databases,
    ]);
    assert.deepEqual(rows, []);
  } finally {
    await client.end();
  }
  const redis = new Redis(REDIS_URL);
  try {
    assert.deepEqual(await redis.keys(`${report.resources.redisPrefix}:*`), []);
  } finally {
    redis.disconnect();
  }
}

const positive = (value: number | null | undefined, what: string) =>
  assert.ok(typeof value === 'number' && value > 0, `${what} should be a positive number, got ${value}`);

describe('npm run bench:e2e (tiny runs: every figure present and sane, not how fast)', () => {
  test('normal mode: the service and the bare engine, auto-sent and reviewed, with the JSON figures', async () => {
    const report = await runJson(['--emails', '6', '--idle-samples', '2', '--timeout', '600']);
    assert.equal(report.didNotFinish, null);
    assert.deepEqual(report.warnings, []);
    const { service, baseline } = report;
    assert.ok(service && baseline);
    positive(service.runsPerSecond, 'service runs/s');
    positive(baseline.runsPerSecond, 'bare engine runs/s');
    positive(report.ratio, 'ratio');
    for (const [name, figures] of [
      ['service', service],
      ['service auto-sent', service.phases.auto],
      ['service reviewed', service.phases.review],
      ['bare engine', baseline],
      ['bare engine auto-sent', baseline.phases.auto],
      ['bare engine reviewed', baseline.phases.review],
    ] as const) {
      positive(figures?.commitsPerRun, `${name} commits per run`);
      positive(figures?.checkpointBytesPerRun, `${name} checkpoint bytes per run`);
    }
    assert.equal(service.phases.auto.reviewsOpened, 0);
    assert.equal(service.phases.review?.reviewsOpened, 3);
    assert.equal(baseline.phases.review.interrupted, 3);
    assert.equal(service.ingestMs.count, 6);
    positive(service.ingestMs.p99, 'ingest p99');
    assert.equal(service.ingestToSmtpMs.idle.count, 2);
    positive(service.ingestToSmtpMs.idle.p50, 'idle ingest→SMTP p50');
    assert.equal(service.ingestToSmtpMs.underLoad.count, 3);
    assert.equal(service.llm, null, 'the local model makes no LLM calls');
    await assertCleanedUp(report);
  });

  test('slow-llm mode: LLM calls and tokens per email, and the liveness probes', async () => {
    const report = await runJson([
      '--mode',
      'slow-llm',
      '--emails',
      '4',
      '--concurrency',
      '8',
      '--llm-latency-ms',
      '20',
    ]);
    assert.equal(report.didNotFinish, null);
    assert.deepEqual(report.warnings, []);
    const service = report.service!;
    positive(service.runsPerSecond, 'service runs/s');
    positive(service.llm?.callsPerEmail, 'LLM calls per email');
    positive(service.llm?.tokensPerEmail, 'tokens per email');
    positive(service.probes?.health.count, 'health probes');
    positive(service.probes?.queuePage.count, 'queue page probes');
    await assertCleanedUp(report);
  });

  test('a bad option is a usage error naming it, before anything starts', async () => {
    const { code, stderr } = await bench(['--emails', 'many']);
    assert.equal(code, 2);
    assert.match(stderr, /--emails must be an integer/);
  });
});
