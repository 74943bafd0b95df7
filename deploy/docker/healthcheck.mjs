#!/usr/bin/env node
// Health probe of the backend image (Docker HEALTHCHECK, Kubernetes exec probes of the worker).
// Usage: node healthcheck.mjs live|ready — exit 0 healthy, 1 not. Reads the container's own settings.
//   api / all: GET /health/live or /health/ready on PORT must answer 2xx.
//   worker:    it has no HTTP API, only the METRICS_PORT listener. live: any HTTP answer (the event
//              loop responds); ready: GET /metrics answers 200, which reads Postgres and Redis.
const check = process.argv[2];
if (check !== 'live' && check !== 'ready') {
  console.error('usage: node healthcheck.mjs live|ready');
  process.exit(1);
}
const env = process.env;
const role = env.APP_ROLE || 'all';
// A wildcard bind is reached on loopback; anything else on the address it names.
const bind = env.HOST || '127.0.0.1';
const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;

function probe() {
  if (role !== 'worker') {
    return { url: `http://${host}:${env.PORT || 3000}/health/${check}`, healthy: (response) => response.ok };
  }
  if (!env.METRICS_PORT) return undefined;
  const base = `http://${host}:${env.METRICS_PORT}`;
  if (check === 'live') return { url: `${base}/live`, healthy: () => true };
  const token = env.METRICS_TOKEN || env.ADMIN_API_KEY || '';
  return {
    url: `${base}/metrics`,
    headers: { authorization: `Bearer ${token}` },
    healthy: (response) => response.status === 200,
  };
}

const target = probe();
if (!target) {
  console.error('worker without METRICS_PORT: it serves nothing to probe; set METRICS_PORT');
  process.exit(1);
}
try {
  const response = await fetch(target.url, { headers: target.headers, signal: AbortSignal.timeout(4_000) });
  await response.body?.cancel();
  if (target.healthy(response)) process.exit(0);
  console.error(`${check}: ${new URL(target.url).pathname} answered ${response.status}`);
} catch (error) {
  console.error(`${check}: ${error.cause?.code ?? error.name}`);
}
process.exit(1);
