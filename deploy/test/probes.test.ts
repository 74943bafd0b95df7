import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { HEALTHCHECK, ROOT, runNode } from './support';

// The probe script against the real backend: an api and a worker process on the machine's
// PostgreSQL and Redis, each with its own database and key prefix.
const BACKEND = join(ROOT, 'backend/dist/src');
const POSTGRES = 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = 'redis://127.0.0.1:6379';
const METRICS_TOKEN = 'probe-metrics-token-0123';

const suffix = randomBytes(4).toString('hex');
const database = `handoff_test_deploy_${suffix}`;
const prefix = `handoff_test_deploy_${suffix}`;

function freePort(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(String(port)));
    });
    server.on('error', reject);
  });
}

const probe = (check: 'live' | 'ready', env: Record<string, string>) => runNode([HEALTHCHECK, check], env);

/** Waits until the probe passes (the process has booted), failing after a generous bound. */
async function untilHealthy(check: 'live' | 'ready', env: Record<string, string>, service: ChildProcess) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if ((await probe(check, env)).code === 0) return;
    assert.equal(service.exitCode, null, `${env.APP_ROLE} exited while starting`);
    assert.ok(Date.now() < deadline, `${env.APP_ROLE} not ${check} within 90 s`);
    await delay(250);
  }
}

describe('healthcheck.mjs against the real api and worker', () => {
  const common = {
    DATABASE_URL: `${POSTGRES}/${database}`,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    ADMIN_API_KEY: 'probe-admin-key-0123456789abcdef',
    METRICS_TOKEN,
    HOST: '0.0.0.0',
    LOG_LEVEL: 'silent',
    DEV_MAIL_CATCHER_PORT: '0',
  };
  let apiEnv: Record<string, string>;
  let workerEnv: Record<string, string>;
  const services: ChildProcess[] = [];
  const start = (env: Record<string, string>) => {
    const service = spawn(process.execPath, [join(BACKEND, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    services.push(service);
    return service;
  };

  before(async () => {
    const setup = await runNode([join(BACKEND, 'cli.js'), 'setup'], { DATABASE_URL: common.DATABASE_URL });
    assert.equal(setup.code, 0, setup.stderr);
    apiEnv = { ...common, APP_ROLE: 'api', PORT: await freePort() };
    workerEnv = { ...common, APP_ROLE: 'worker', METRICS_PORT: await freePort() };
  });

  after(async () => {
    for (const service of services) if (service.exitCode === null) service.kill('SIGKILL');
    const client = new Client({ connectionString: `${POSTGRES}/postgres` });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  test('api: live and ready answer once it has booted; SIGTERM ends it with 0', async () => {
    const api = start(apiEnv);
    await untilHealthy('live', apiEnv, api);
    assert.equal((await probe('ready', apiEnv)).code, 0);
    api.kill('SIGTERM');
    const [code] = await once(api, 'exit');
    assert.equal(code, 0);
    assert.equal((await probe('live', apiEnv)).code, 1, 'nothing answers after shutdown');
  });

  test('worker: live and ready through its metrics listener, the token checked; SIGTERM ends it with 0', async () => {
    const worker = start(workerEnv);
    await untilHealthy('live', workerEnv, worker);
    assert.equal((await probe('ready', workerEnv)).code, 0);
    const refused = await probe('ready', { ...workerEnv, METRICS_TOKEN: 'not-the-metrics-token-00' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\/metrics answered 401/);
    worker.kill('SIGTERM');
    const [code] = await once(worker, 'exit');
    assert.equal(code, 0, 'a drained worker exits cleanly within its grace period');
    assert.equal((await probe('live', workerEnv)).code, 1);
  });
});
