import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HEALTHCHECK, runNode } from './support';

const METRICS_TOKEN = 'metrics-token-0123456789';
const probe = (check: string, env: Record<string, string>) => runNode([HEALTHCHECK, check], env);

async function listen(handler: RequestListener): Promise<{ server: Server; port: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: String((server.address() as AddressInfo).port) };
}

describe('healthcheck.mjs', () => {
  // Stand-ins with the backend's routes: the API's /health/*, and the worker's metrics listener
  // (401 without the token, 404 elsewhere — as backend/src/observability/worker-metrics-server.ts answers).
  let api: { server: Server; port: string };
  let worker: { server: Server; port: string };
  let ready = true;
  before(async () => {
    api = await listen((request, response) => {
      if (request.url === '/health/live') response.writeHead(200).end('{"status":"ok"}');
      else if (request.url === '/health/ready') response.writeHead(ready ? 200 : 503).end();
      else response.writeHead(404).end();
    });
    worker = await listen((request, response) => {
      if (request.url !== '/metrics') response.writeHead(404).end();
      else if (request.headers.authorization !== `Bearer ${METRICS_TOKEN}`) response.writeHead(401).end();
      else response.writeHead(ready ? 200 : 500).end('handoff_up 1\n');
    });
  });
  after(() => {
    api.server.close();
    worker.server.close();
  });

  test('api role: live and ready follow /health/live and /health/ready', async () => {
    const env = { APP_ROLE: 'api', HOST: '0.0.0.0', PORT: api.port };
    ready = true;
    assert.equal((await probe('live', env)).code, 0);
    assert.equal((await probe('ready', env)).code, 0);
    ready = false;
    assert.equal((await probe('live', env)).code, 0);
    const notReady = await probe('ready', env);
    assert.equal(notReady.code, 1);
    assert.match(notReady.stderr, /\/health\/ready answered 503/);
  });

  test('worker role: live needs any answer from the metrics listener, ready a 200 from /metrics', async () => {
    const env = { APP_ROLE: 'worker', HOST: '0.0.0.0', METRICS_PORT: worker.port, METRICS_TOKEN };
    ready = true;
    assert.equal((await probe('live', env)).code, 0);
    assert.equal((await probe('ready', env)).code, 0);
    // Without METRICS_TOKEN the admin key is what the listener also accepts.
    const { METRICS_TOKEN: _token, ...adminOnly } = env;
    assert.equal((await probe('ready', { ...adminOnly, ADMIN_API_KEY: METRICS_TOKEN })).code, 0);
    assert.equal((await probe('ready', { ...env, METRICS_TOKEN: 'wrong-token-0123456789' })).code, 1);
    ready = false;
    assert.equal((await probe('ready', env)).code, 1, 'Postgres or Redis down: /metrics fails');
    assert.equal((await probe('live', env)).code, 0, 'but the process is alive');
  });

  test('nothing listening, no METRICS_PORT or a wrong argument: unhealthy, with the reason', async () => {
    const closed = await listen(() => undefined);
    const port = closed.port;
    await new Promise((resolve) => closed.server.close(resolve));
    const refused = await probe('live', { APP_ROLE: 'worker', METRICS_PORT: port });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ECONNREFUSED/);
    const unset = await probe('live', { APP_ROLE: 'worker' });
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /METRICS_PORT/);
    assert.equal((await probe('status', { PORT: api.port })).code, 1);
  });
});
