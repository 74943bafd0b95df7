import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '@handoff/backend/dist/src/config/config.schema';
import { parse } from 'yaml';
import { SETTINGS, type SettingReader } from '../src/settings';
import { readRepoFile, ROOT, runNode } from './support';

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { disable?: boolean };
}

const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const BACKEND_SERVICES = ['migrate', 'backend-api', 'backend-worker'];

/** Compose's interpolation with nothing set in the shell: `${A:-x}` → x (defaults may nest), `${A}` → ''. */
function interpolate(value: string): string {
  const start = value.indexOf('${');
  if (start < 0) return value;
  let depth = 0;
  let end = start;
  for (; end < value.length; end += 1) {
    if (value.startsWith('${', end)) depth += 1;
    else if (value[end] === '}' && --depth === 0) break;
  }
  const inner = value.slice(start + 2, end);
  const fallback = inner.includes(':-') ? inner.slice(inner.indexOf(':-') + 2) : '';
  return value.slice(0, start) + interpolate(fallback) + interpolate(value.slice(end + 1));
}

const environmentOf = (service: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(compose.services[service]?.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value)),
    ]),
  );

const readsSetting = (reader: SettingReader) =>
  new Set(SETTINGS.filter((setting) => setting.readers.includes(reader)).map((setting) => setting.name));

describe('docker-compose.yml', () => {
  test('backend services set only configuration-table settings, and the backend accepts them', () => {
    const known = readsSetting('backend');
    for (const service of BACKEND_SERVICES) {
      const env = environmentOf(service);
      assert.deepEqual(
        Object.keys(env).filter((name) => !known.has(name)),
        [],
        `${service} sets variables the backend does not read`,
      );
      // The migrate service runs `setup`, which reads DATABASE_URL; the others boot the whole schema.
      const config = loadConfig(env);
      assert.match(config.DATABASE_URL, /@postgres:5432\//, service);
      assert.match(config.REDIS_URL, /\/\/redis:6379/, service);
    }
  });

  test('each role is selected and reachable from other containers', () => {
    const api = loadConfig(environmentOf('backend-api'));
    assert.equal(api.APP_ROLE, 'api');
    assert.equal(api.HOST, '0.0.0.0');
    assert.ok(
      compose.services['backend-api']?.ports?.some((port) => port.endsWith(`:${api.PORT}`)),
      'the published port is the one the API listens on',
    );
    const worker = loadConfig(environmentOf('backend-worker'));
    assert.equal(worker.APP_ROLE, 'worker');
    assert.equal(worker.HOST, '0.0.0.0');
    assert.ok(worker.METRICS_PORT, 'the worker serves /metrics, which its healthcheck and Prometheus use');
    assert.ok(worker.METRICS_TOKEN);
    assert.match(readRepoFile('ops/prometheus/prometheus.yml'), new RegExp(`backend-worker:${worker.METRICS_PORT}`));
    assert.deepEqual(compose.services.migrate?.command, ['node', 'backend/dist/src/cli.js', 'setup']);
    assert.equal(compose.services.migrate?.healthcheck?.disable, true);
  });

  test('the review UI reads only its settings and reaches the API service', () => {
    const env = environmentOf('review-ui');
    const known = readsSetting('review-ui');
    assert.deepEqual(
      Object.keys(env).filter((name) => !known.has(name)),
      [],
    );
    assert.equal(env.API_URL, `http://backend-api:${loadConfig(environmentOf('backend-api')).PORT}`);
    assert.equal(env.PUBLIC_UI_URL, environmentOf('backend-api').PUBLIC_UI_URL, 'the backend expects the same Origin');
    assert.ok(compose.services['review-ui']?.ports?.some((port) => port.endsWith(`:${env.REVIEW_UI_PORT}`)));
  });

  test('every built service names a Dockerfile that exists', () => {
    const built = Object.entries(compose.services).filter(([, service]) => service.build);
    assert.ok(built.length >= 4);
    for (const [name, service] of built) {
      assert.ok(existsSync(join(ROOT, service.build!.context, service.build!.dockerfile)), name);
    }
  });
});

/** The stages of a Dockerfile and the instructions of its last (runtime) stage. */
function runtimeStage(path: string): { stages: number; lines: string[] } {
  const text = readRepoFile(path).replace(/\\\n/g, ' ');
  const lines = text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  const starts = lines.map((line, index) => (/^FROM /i.test(line) ? index : -1)).filter((index) => index >= 0);
  return { stages: starts.length, lines: lines.slice(starts.at(-1)) };
}

describe('Dockerfiles', () => {
  for (const path of ['backend/Dockerfile', 'review-ui/Dockerfile']) {
    test(`${path}: multi-stage, runs as a non-root user, has a healthcheck`, () => {
      const { stages, lines } = runtimeStage(path);
      assert.ok(stages >= 3, `${stages} stages`);
      const user = lines.filter((line) => /^USER /.test(line)).at(-1);
      assert.ok(user, 'the runtime stage sets USER');
      assert.doesNotMatch(user, /^USER (root|0)(:|$)/);
      const healthcheck = lines.find((line) => /^HEALTHCHECK /.test(line));
      assert.ok(healthcheck && !/HEALTHCHECK NONE/.test(healthcheck), 'HEALTHCHECK');
      // npm ci checks the whole lockfile against the workspace manifests, so each must be in the image.
      const workspaces = (JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }).workspaces;
      const copied = readRepoFile(path);
      const missing = workspaces.filter(
        (workspace) => !copied.includes(`\nCOPY ${workspace}/package.json ${workspace}/\n`),
      );
      assert.deepEqual(missing, [], 'workspace manifests not copied');
      for (const line of lines.filter((candidate) => /^COPY (?!--from)/.test(candidate))) {
        const source = line
          .split(/\s+/)
          .slice(1, -1)
          .filter((part) => !part.startsWith('--'));
        for (const file of source) assert.ok(existsSync(join(ROOT, file)), `${path}: COPY ${file}`);
      }
    });
  }

  test("the images' HEALTHCHECK commands report a healthy and an unhealthy server", async () => {
    let status = 200;
    const server = createServer((request, response) => {
      const healthy = request.url === '/sign-in' || request.url === '/health/ready';
      response.writeHead(healthy ? status : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    // As Docker runs them: the exec form, from the image's WORKDIR (the backend's script sits in deploy/docker here).
    const run = async (path: string, cwd: string) => {
      const [program, ...args] = healthcheckCommand(path);
      assert.equal(program, 'node');
      return (await runNode(args, { PORT: port, REVIEW_UI_PORT: port }, cwd)).code;
    };
    try {
      for (const [path, cwd] of [
        ['backend/Dockerfile', join(ROOT, 'deploy/docker')],
        ['review-ui/Dockerfile', ROOT],
      ] as const) {
        status = 200;
        assert.equal(await run(path, cwd), 0, `${path}: healthy`);
        status = 503;
        assert.equal(await run(path, cwd), 1, `${path}: unhealthy`);
      }
    } finally {
      server.close();
    }
  });
});

/** The exec-form command of a Dockerfile's HEALTHCHECK. */
function healthcheckCommand(path: string): string[] {
  const line = runtimeStage(path).lines.find((candidate) => candidate.startsWith('HEALTHCHECK '));
  return JSON.parse(line!.slice(line!.indexOf(' CMD ') + 5)) as string[];
}
