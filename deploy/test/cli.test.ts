import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, runNode } from './support';

const CLI = join(__dirname, '..', 'src', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'handoff-render-'));

/** Runs the CLI as `npm run k8s:render` does, from `cwd` (npm passes it as INIT_CWD). */
const render = (args: string[], cwd = work) => runNode([CLI, ...args], { INIT_CWD: cwd });

describe('npm run k8s:render', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  test('--values and --out are read from where npm was started; the file is named after the values', async () => {
    writeFileSync(
      join(work, 'staging.yaml'),
      'namespace: staging\napi: { replicas: 1, resources: { limits: null } }\nworker: { metricsPort: 9500 }\n',
    );
    const result = await render(['--values', 'staging.yaml', '--out', 'out']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wrote out\/staging\.yaml/);
    const documents = parseAllDocuments(readFileSync(join(work, 'out', 'staging.yaml'), 'utf8')).map((d) => d.toJS());
    const api = documents.find((d) => d.kind === 'Deployment' && d.metadata.name === 'handoff-api');
    assert.equal(api.metadata.namespace, 'staging');
    assert.equal(api.spec.replicas, 1);
    // null removed the default limits; the requests stay.
    assert.deepEqual(api.spec.template.spec.containers[0].resources, { requests: { cpu: '250m', memory: '384Mi' } });
    const config = documents.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'handoff-backend');
    assert.equal(config.data.METRICS_PORT, '9500');
  });

  test('without --out the manifests go to stdout', async () => {
    const result = await render([]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, readFileSync(join(ROOT, 'deploy/rendered/default.yaml'), 'utf8'));
  });

  test('bad values exit 1 naming each problem; a bad option exits 2 with the usage', async () => {
    writeFileSync(
      join(work, 'bad.yaml'),
      'config:\n  OPENAI_API_KEY: sk-oops\n  LOG_LEVL: info\nworker: { replicas: 0 }\n',
    );
    const bad = await render(['--values', 'bad.yaml']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /config\.OPENAI_API_KEY: is a secret: set it under secrets\.values/);
    assert.match(bad.stderr, /config\.LOG_LEVL: is not a setting/);
    assert.match(bad.stderr, /worker\.replicas/);
    assert.doesNotMatch(bad.stderr, /sk-oops/, 'a misplaced secret is not echoed');
    assert.equal(bad.stdout, '');
    const missing = await render(['--values', 'nope.yaml']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nope\.yaml/);
    const usage = await render(['--valuez', 'x']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: npm run k8s:render/);
  });
});
