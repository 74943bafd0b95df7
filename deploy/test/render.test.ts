import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Model } from '@kubernetes-models/base';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { loadConfig } from '@handoff/backend/dist/src/config/config.schema';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { HEALTHCHECK_SCRIPT, renderObjects } from '../src/render';
import { renderFile } from '../src/render-file';
import { SETTINGS } from '../src/settings';
import { resolveValues, ValuesError, type Values } from '../src/values';
import { BACKEND_DEFAULTS } from '../src/worker-sizing';
import { findObject, plainObject, readmeConfigVariables, readRepoFile, ROOT } from './support';

const MODELS: Record<string, new (data: any) => Model<unknown>> = {
  'batch/v1 Job': Job,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'v1 Service': Service,
  'apps/v1 Deployment': Deployment,
  'apps/v1 StatefulSet': StatefulSet,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1 Ingress': Ingress,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
};

/** The committed renders and the values files they come from (undefined: defaults only). */
const RENDERS = [
  { file: 'deploy/rendered/default.yaml', values: undefined },
  { file: 'deploy/rendered/production.yaml', values: 'deploy/examples/production.yaml' },
  { file: 'deploy/rendered/trial.yaml', values: 'deploy/examples/trial.yaml' },
];

const readYamlFile = (path: string) => parseAllDocuments(readRepoFile(path)).map((document) => document.toJS());
const valuesOf = (path: string | undefined) => (path ? resolveValues(readYamlFile(path)[0]) : resolveValues());

/** What a backend container's process sees: its ConfigMap, its Secret (or `existing` for one you manage), its env. */
function containerEnv(
  objects: Model<unknown>[],
  deployment: string,
  existing: Record<string, string> = {},
): Record<string, string> {
  const container = findObject(objects, 'Deployment', deployment).spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, findObject(objects, 'ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) {
      const rendered = objects
        .map(plainObject)
        .find((o) => o.kind === 'Secret' && o.metadata.name === source.secretRef.name);
      Object.assign(env, rendered ? rendered.stringData : existing);
    }
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value;
  return env;
}

describe('rendered manifests', () => {
  for (const { file, values } of RENDERS) {
    test(`${file} is what the renderer makes of ${values ?? 'the defaults'}`, () => {
      const fresh = renderFile(values && join(ROOT, values));
      const committed = readRepoFile(file);
      assert.equal(
        committed,
        fresh,
        `${file} drifted: run npm run k8s:render --${values ? ` --values ${values}` : ''} --out deploy/rendered`,
      );
    });

    test(`every object of ${file} validates against its Kubernetes schema`, () => {
      const documents = readYamlFile(file);
      assert.ok(documents.length >= 10, `only ${documents.length} objects`);
      for (const document of documents) {
        const model = MODELS[`${document.apiVersion} ${document.kind}`];
        assert.ok(model, `no schema for ${document.apiVersion} ${document.kind}`);
        assert.doesNotThrow(() => new model(document).validate(), `${document.kind} ${document.metadata?.name}`);
      }
    });
  }

  test('validation rejects a malformed object (the check above can fail)', () => {
    const deployment = findObject(renderObjects(resolveValues()), 'Deployment', 'handoff-worker');
    deployment.spec.replicas = 'two';
    assert.throws(() => new Deployment(deployment as any).validate(), /replicas/);
    delete deployment.spec.replicas;
    delete deployment.spec.template.spec.containers[0].name;
    assert.throws(() => new Deployment(deployment as any).validate(), /name/);
    const scaled = findObject(
      renderObjects(valuesOf('deploy/examples/production.yaml')),
      'ScaledObject',
      'handoff-worker',
    );
    scaled.spec.triggers[0].metadata.threshold = 8;
    assert.throws(() => new ScaledObject(scaled as any).validate(), /threshold/);
  });

  test('the production example renders KEDA, ServiceMonitors and an Ingress', () => {
    const kinds = readYamlFile('deploy/rendered/production.yaml').map((document) => document.kind);
    for (const kind of ['ScaledObject', 'ServiceMonitor', 'Ingress', 'Job', 'PodDisruptionBudget']) {
      assert.ok(kinds.includes(kind), `${kind} missing`);
    }
  });
});

describe('worker Deployment', () => {
  const workerSpec = (values: Values) =>
    findObject(renderObjects(values), 'Deployment', 'handoff-worker').spec.template.spec;

  test('its grace period outlasts the longest job: three LLM calls, every attempt timing out', () => {
    for (const config of [{}, { LLM_TIMEOUT_MS: 120_000, LLM_MAX_ATTEMPTS: 5 }, { CALLBACK_TIMEOUT_MS: 2_000_000 }]) {
      const values = resolveValues({ config });
      const effective = loadConfig({ ADMIN_API_KEY: 'x'.repeat(24), ...stringsOf(config) });
      const longestLlmSeconds = (3 * effective.LLM_MAX_ATTEMPTS * effective.LLM_TIMEOUT_MS) / 1000;
      const grace = workerSpec(values).terminationGracePeriodSeconds;
      assert.ok(grace > longestLlmSeconds, `grace ${grace} s for LLM work up to ${longestLlmSeconds} s`);
      assert.ok(grace > effective.CALLBACK_TIMEOUT_MS / 1000, `grace ${grace} s for a callback timeout`);
    }
  });

  test('a grace period below the drain time is refused, a longer one kept', () => {
    assert.throws(
      () => workerSpec(resolveValues({ worker: { terminationGracePeriodSeconds: 120 } })),
      /does not cover the worker's drain time of 720 s/,
    );
    assert.equal(
      workerSpec(resolveValues({ worker: { terminationGracePeriodSeconds: 900 } })).terminationGracePeriodSeconds,
      900,
    );
  });

  test('probes: startup, liveness and readiness run the image healthcheck against the metrics port', () => {
    const values = resolveValues({ worker: { metricsPort: 9500 } });
    const objects = renderObjects(values);
    const container = workerSpec(values).containers[0];
    assert.deepEqual(container.startupProbe.exec.command, ['node', HEALTHCHECK_SCRIPT, 'live']);
    assert.deepEqual(container.livenessProbe.exec.command, ['node', HEALTHCHECK_SCRIPT, 'live']);
    assert.deepEqual(container.readinessProbe.exec.command, ['node', HEALTHCHECK_SCRIPT, 'ready']);
    assert.ok(container.livenessProbe.failureThreshold >= 3);
    assert.deepEqual(container.ports, [{ name: 'metrics', containerPort: 9500 }]);
    assert.equal(containerEnv(objects, 'handoff-worker').METRICS_PORT, '9500');
    assert.equal(containerEnv(objects, 'handoff-worker').APP_ROLE, 'worker');
    // The script sits where the backend image puts it.
    const dockerfile = readRepoFile('backend/Dockerfile');
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^COPY deploy\/docker\/healthcheck\.mjs \.\/$/m);
    assert.equal(HEALTHCHECK_SCRIPT, '/app/healthcheck.mjs');
  });

  test('with autoscaling on, KEDA owns the replica count and scales on metrics the service exports', () => {
    const values = valuesOf('deploy/examples/production.yaml');
    const objects = renderObjects(values);
    assert.equal(findObject(objects, 'Deployment', 'handoff-worker').spec.replicas, undefined);
    const scaled = findObject(objects, 'ScaledObject', 'handoff-worker');
    assert.equal(scaled.spec.scaleTargetRef.name, 'handoff-worker');
    assert.ok(scaled.spec.minReplicaCount >= 1, 'workers also sweep and poll: never zero');
    const metricsSource = readRepoFile('backend/src/observability/metrics.service.ts');
    const queries = scaled.spec.triggers.map((trigger: any) => trigger.metadata.query as string);
    assert.equal(queries.length, 2);
    for (const query of queries) {
      const metric = /(handoff_[a-z_]+?)(?:_sum)?\{/.exec(query)?.[1];
      assert.ok(metric && metricsSource.includes(`name: '${metric}'`), `${query} reads no exported metric`);
      assert.match(query, /namespace="support"/);
    }
    // Targets from the settings: 2 × WORKER_CONCURRENCY waiting jobs, 0.75 × min(4, 8) LLM calls.
    assert.deepEqual(
      scaled.spec.triggers.map((trigger: any) => trigger.metadata.threshold),
      ['8', '3'],
    );
  });
});

describe('API and review UI', () => {
  const objects = renderObjects(valuesOf('deploy/examples/production.yaml'));

  test('API probes use the health routes the backend serves', () => {
    const container = findObject(objects, 'Deployment', 'handoff-api').spec.template.spec.containers[0];
    assert.equal(container.livenessProbe.httpGet.path, '/health/live');
    assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
    assert.equal(container.livenessProbe.httpGet.port, 'http');
    assert.ok(container.ports.some((port: any) => port.name === 'http'));
    const controller = readRepoFile('backend/src/health/health.controller.ts');
    assert.match(controller, /@Controller\('health'\)/);
    assert.match(controller, /@Get\('live'\)/);
    assert.match(controller, /@Get\('ready'\)/);
    assert.equal(containerEnv(objects, 'handoff-api').APP_ROLE, 'api');
  });

  test('Services, PodDisruptionBudgets, ServiceMonitors and the Ingress point at what exists', () => {
    const plain = objects.map(plainObject);
    const podLabels = (name: string) => findObject(objects, 'Deployment', name).spec.template.metadata.labels;
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => labels[key] === value);
    for (const service of plain.filter((o) => o.kind === 'Service')) {
      const deployment = plain.find(
        (o) => o.kind === 'Deployment' && matches(service.spec.selector, podLabels(o.metadata.name)),
      );
      assert.ok(deployment, `Service ${service.metadata.name} selects no pods`);
      const ports = deployment.spec.template.spec.containers[0].ports.map((port: any) => port.name);
      for (const port of service.spec.ports)
        assert.ok(ports.includes(port.targetPort), `${service.metadata.name}:${port.targetPort}`);
    }
    for (const budget of plain.filter((o) => o.kind === 'PodDisruptionBudget')) {
      assert.ok(podLabels(budget.metadata.name), `PDB ${budget.metadata.name}`);
      assert.ok(matches(budget.spec.selector.matchLabels, podLabels(budget.metadata.name)));
    }
    for (const monitor of plain.filter((o) => o.kind === 'ServiceMonitor')) {
      const service = plain.find(
        (o) => o.kind === 'Service' && matches(monitor.spec.selector.matchLabels, o.metadata.labels),
      );
      assert.ok(service, `ServiceMonitor ${monitor.metadata.name} selects no Service`);
      assert.ok(service.spec.ports.some((port: any) => port.name === monitor.spec.endpoints[0].port));
      assert.equal(monitor.spec.endpoints[0].authorization.credentials.key, 'METRICS_TOKEN');
    }
    const ingress = findObject(objects, 'Ingress', 'handoff');
    for (const rule of ingress.spec.rules) {
      const backend = rule.http.paths[0].backend.service;
      const service = findObject(objects, 'Service', backend.name);
      assert.ok(
        service.spec.ports.some((port: any) => port.port === backend.port.number),
        rule.host,
      );
    }
    // Reviewers' browsers send the ingress host as Origin; the backend must expect exactly that.
    assert.equal(containerEnv(objects, 'handoff-api').PUBLIC_UI_URL, 'https://handoff.example.com');
  });

  test('an SMTP listener gets a reachable bind address, a container port and a Service', () => {
    const smtp = renderObjects(resolveValues({ config: { SMTP_LISTENER_PORT: 2525 } }));
    const container = findObject(smtp, 'Deployment', 'handoff-worker').spec.template.spec.containers[0];
    assert.deepEqual(container.ports[1], { name: 'smtp', containerPort: 2525 });
    assert.equal(containerEnv(smtp, 'handoff-worker').SMTP_LISTENER_HOST, '0.0.0.0');
    const service = findObject(smtp, 'Service', 'handoff-worker-smtp');
    assert.deepEqual(service.spec.ports, [{ name: 'smtp', port: 25, targetPort: 'smtp' }]);
    assert.equal(service.spec.selector['app.kubernetes.io/component'], 'worker');
    assert.equal(
      renderObjects(resolveValues())
        .map(plainObject)
        .filter((o) => o.metadata.name === 'handoff-worker-smtp').length,
      0,
    );
  });

  test('the migration Job runs setup before the new version serves', () => {
    const job = plainObject(objects.find((object) => plainObject(object).kind === 'Job')!);
    assert.equal(plainObject(objects[0]!).kind, 'Job', 'first in the file, to apply first');
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['node', 'backend/dist/src/cli.js', 'setup']);
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.equal(job.metadata.annotations['argocd.argoproj.io/hook'], 'PreSync');
    // A new image is a new Job (Jobs are immutable); the same image keeps its name.
    const next = renderObjects(resolveValues({ image: { backend: { tag: '0.2.0' } } }));
    assert.notEqual(plainObject(next[0]!).metadata.name, job.metadata.name);
    assert.equal(plainObject(renderObjects(resolveValues())[0]!).metadata.name, 'handoff-migrate-508f8d3d');
  });
});

/** Samples for every setting, distinct per setting so a value landing under the wrong name shows. */
function sampleFor(index: number, format: string): unknown {
  if (format === 'json') return { sample: index };
  if (format === 'csv') return [`a${index}`, `b${index}`];
  return String(1000 + index);
}

const stringsOf = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([key, value]) => [key, String(value)]));

describe('configuration', () => {
  test('the settings catalogue is exactly the README configuration table', () => {
    const readme = readmeConfigVariables();
    assert.ok(readme.length > 60, `parsed only ${readme.length} variables`);
    const catalogue = SETTINGS.map((setting) => setting.name);
    assert.deepEqual(
      readme.filter((name) => !catalogue.includes(name)),
      [],
      'in the README table but not settable: add them to deploy/src/settings.ts',
    );
    assert.deepEqual(
      catalogue.filter((name) => !readme.includes(name)),
      [],
      'in deploy/src/settings.ts but not in the README table',
    );
  });

  test('names that say key, secret, password or token are secrets', () => {
    for (const setting of SETTINGS) {
      if (/KEY|SECRET|PASSWORD|TOKEN/.test(setting.name)) assert.equal(setting.kind, 'secret', setting.name);
    }
  });

  test('every setting is settable through values and lands in the ConfigMap, or the Secret for secrets', () => {
    const config: Record<string, unknown> = {};
    const secrets: Record<string, unknown> = {};
    const expected = new Map<string, string>();
    SETTINGS.forEach((setting, index) => {
      if (setting.kind === 'wired') return;
      const sample = sampleFor(index, setting.format);
      (setting.kind === 'secret' ? secrets : config)[setting.name] = sample;
      expected.set(
        setting.name,
        typeof sample === 'string' ? sample : Array.isArray(sample) ? sample.join(',') : JSON.stringify(sample),
      );
    });
    // Sizing settings must be numbers the renderer can compute the grace period from.
    Object.assign(config, { LLM_TIMEOUT_MS: 60_000, LLM_MAX_ATTEMPTS: 3, CALLBACK_TIMEOUT_MS: 10_000 });
    for (const name of ['LLM_TIMEOUT_MS', 'LLM_MAX_ATTEMPTS', 'CALLBACK_TIMEOUT_MS'])
      expected.set(name, String(config[name]));
    const values = resolveValues({
      config,
      secrets: { existingSecret: '', values: secrets },
      api: { port: 4000 },
      worker: { metricsPort: 9500 },
      reviewUi: { port: 4001 },
    });
    const objects = renderObjects(values);
    const backendConfig = findObject(objects, 'ConfigMap', 'handoff-backend').data;
    const uiConfig = findObject(objects, 'ConfigMap', 'handoff-review-ui').data;
    const secret = findObject(objects, 'Secret', 'handoff-backend').stringData;
    const wiredExpected: Record<string, [Record<string, string>, string]> = {
      PORT: [backendConfig, '4000'],
      METRICS_PORT: [backendConfig, '9500'],
      REVIEW_UI_PORT: [uiConfig, '4001'],
      API_URL: [uiConfig, 'http://handoff-api:4000'],
    };
    const covered: string[] = [];
    for (const setting of SETTINGS) {
      if (setting.kind === 'wired') {
        if (setting.name === 'APP_ROLE') {
          assert.equal(containerEnv(objects, 'handoff-api').APP_ROLE, 'api');
          assert.equal(containerEnv(objects, 'handoff-worker').APP_ROLE, 'worker');
        } else {
          const [where, value] = wiredExpected[setting.name] ?? [];
          assert.equal(where?.[setting.name], value, setting.name);
        }
      } else if (setting.kind === 'secret') {
        assert.equal(secret[setting.name], expected.get(setting.name), setting.name);
        assert.equal(backendConfig[setting.name], undefined, `${setting.name} in the ConfigMap`);
        assert.equal(uiConfig[setting.name], undefined, `${setting.name} in the UI ConfigMap`);
      } else {
        const where = setting.readers.includes('backend') ? backendConfig : uiConfig;
        assert.equal(where[setting.name], expected.get(setting.name), setting.name);
        if (setting.readers.includes('review-ui')) assert.equal(uiConfig[setting.name], expected.get(setting.name));
      }
      covered.push(setting.name);
    }
    assert.deepEqual(covered.sort(), readmeConfigVariables().sort());
  });

  test('values name the mistake: a secret under config, a setting that does not exist, a missing key', () => {
    assert.throws(
      () => resolveValues({ config: { ADMIN_API_KEY: 'x'.repeat(24) } }),
      /config\.ADMIN_API_KEY: is a secret/,
    );
    assert.throws(() => resolveValues({ config: { LOG_LEVL: 'info' } }), /config\.LOG_LEVL: is not a setting/);
    assert.throws(() => resolveValues({ config: { PORT: 3000 } }), /config\.PORT: is set by api\.port/);
    assert.throws(
      () => resolveValues({ secrets: { existingSecret: '', values: { REDIS_URL: 'redis://r:6379' } } }),
      (error: Error) =>
        error instanceof ValuesError &&
        /ADMIN_API_KEY: is required/.test(error.message) &&
        /DATABASE_URL/.test(error.message),
    );
    assert.throws(() => resolveValues({ apii: {} }), /Unrecognized key/);
  });

  test('the backend accepts what each rendered role reads (its own config schema)', () => {
    const trial = renderObjects(valuesOf('deploy/examples/trial.yaml'));
    for (const deployment of ['handoff-api', 'handoff-worker']) {
      const config = loadConfig(containerEnv(trial, deployment));
      assert.equal(config.DATABASE_URL, 'postgres://postgres:trial-only-db-password@handoff-postgres:5432/handoff');
      assert.equal(config.HOST, '0.0.0.0');
    }
    const production = renderObjects(valuesOf('deploy/examples/production.yaml'));
    const managedSecret = {
      ADMIN_API_KEY: 'k'.repeat(32),
      METRICS_TOKEN: 'm'.repeat(16),
      DATABASE_URL: 'postgres://handoff:pw@db.example.com:5432/handoff',
      REDIS_URL: 'rediss://:pw@redis.example.com:6380',
      OPENAI_API_KEY: 'sk-test',
      ADMIN_PASSWORD: 'p'.repeat(12),
    };
    const worker = loadConfig(containerEnv(production, 'handoff-worker', managedSecret));
    assert.equal(worker.APP_ROLE, 'worker');
    assert.deepEqual(worker.AUTO_SEND_THRESHOLDS, { order_status: 0.75 });
    assert.equal(worker.REVIEW_DEADLINES.legal?.dueMinutes, 240);
    assert.equal(
      loadConfig(containerEnv(production, 'handoff-api', managedSecret)).PUBLIC_UI_URL,
      'https://handoff.example.com',
    );
  });

  test("the renderer's copy of backend defaults matches the backend's schema", () => {
    const defaults = loadConfig({ ADMIN_API_KEY: 'x'.repeat(24) });
    for (const [name, value] of Object.entries(BACKEND_DEFAULTS)) {
      assert.equal(defaults[name as keyof typeof BACKEND_DEFAULTS], value, name);
    }
    assert.match(readRepoFile('backend/src/workflow/triage-model.factory.ts'), /maxDelayMs: 30_000/);
  });
});
