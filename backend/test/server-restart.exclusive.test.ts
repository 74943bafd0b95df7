import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { eventually, useWorldWithSmtp } from './support/test-service';

// Restarts the machine's own Redis and PostgreSQL, so it disturbs every other
// suite: the name ends in .exclusive.test so the runner runs it alone, last.

const REDIS_PORT = '6379';
const PG_CLUSTER = () => [readdirSync('/etc/postgresql')[0]!, 'main'];

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
const succeeds = (command: string, args: string[]) => {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redisUp = () => succeeds('redis-cli', ['-p', REDIS_PORT, 'ping']);
const postgresUp = () => succeeds('pg_isready', ['-h', '127.0.0.1', '-q']);

function startRedis(): void {
  if (redisUp()) return;
  run('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    REDIS_PORT,
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}

function startPostgres(): void {
  if (!postgresUp()) succeeds('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'start']);
}

/** Whatever happened, both servers are running again afterwards. */
async function bringBothBack(): Promise<void> {
  startRedis();
  startPostgres();
  await eventually(async () => (redisUp() && postgresUp()) || undefined, 'Redis and PostgreSQL back up', 60_000);
}

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  await bringBothBack();
  api = new ApiClient((await world.start({ SMTP_URL: smtp.url })).url);
});
after(bringBothBack);

/** Posts like a real sender: 503 or a dropped connection means "try again later". */
async function send(messageId: string, address: string): Promise<{ runId: string; statuses: number[] }> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 400; attempt++) {
    const response = await api
      .post('/api/v1/events/email', orderStatusEmail({ messageId, from: { address, name: 'Rita' } }))
      .catch(() => undefined);
    statuses.push(response?.status ?? 0);
    if (response && response.status !== 503) {
      assert.equal(response.status, 202, `final status after ${statuses.join(',')}`);
      return { runId: response.body.runId, statuses };
    }
    await sleep(250);
  }
  throw new Error(`never accepted: ${statuses.join(',')}`);
}

/** Streams events while `restart` runs, then checks every accepted one got exactly one reply. */
async function streamThrough(label: string, restart: () => Promise<void>): Promise<number[]> {
  const messages = Array.from({ length: 16 }, () => `<${randomUUID()}@customer.example>`);
  const sending = (async () => {
    const results = [];
    for (const messageId of messages) {
      results.push(await send(messageId, `${label}@customer.example`));
      await sleep(150);
    }
    return results;
  })();
  await sleep(600);
  try {
    await restart();
  } finally {
    await bringBothBack();
  }
  const results = await sending;
  // A Redis restart without persistence loses queued jobs; the sweeper rebuilds them from Postgres.
  for (const { runId } of results) await api.waitForRun(runId, ['sent'], 120_000);
  await world.queuesDrained();
  for (const messageId of messages) {
    assert.equal(smtp.list().filter((mail) => mail.inReplyTo === messageId).length, 1, `one reply to ${messageId}`);
  }
  return results.flatMap(({ statuses }) => statuses);
}

describe("restarting the machine's own servers mid-stream", () => {
  test('Redis shut down (its data gone) and started again: nothing accepted is lost, no reply doubles', async () => {
    await streamThrough('redis-restart', async () => {
      succeeds('redis-cli', ['-p', REDIS_PORT, 'shutdown', 'nosave']);
      await eventually(async () => (!redisUp() ? true : undefined), 'Redis down');
      await sleep(2_000);
      startRedis();
    });
  });

  test('PostgreSQL restarted: the API answers 503 meanwhile, nothing accepted is lost, no reply doubles', async () => {
    await streamThrough('pg-restart', async () => {
      run('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'stop', '-m', 'fast']);
      await sleep(2_000);
      run('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'start']);
    });
  });
});
