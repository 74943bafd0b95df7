import { createHash } from 'node:crypto';
import type { Model } from '@kubernetes-models/base';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  Secret,
  Service,
  type IContainer,
  type IPodSpec,
  type IProbe,
  type IResourceRequirements,
} from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { SETTINGS, toEnvString, type SettingReader, type SettingValue } from './settings';
import type { Values } from './values';
import { scalingTargets, SHUTDOWN_MARGIN_SECONDS, workerDrainSeconds } from './worker-sizing';

/** `backend` labels what the api, worker and migration share (their ConfigMap and Secret). */
export type Component = 'backend' | 'api' | 'worker' | 'review-ui' | 'migrate' | 'postgres' | 'redis';

/** Where the backend image keeps its probe script (deploy/docker/healthcheck.mjs, copied by backend/Dockerfile). */
export const HEALTHCHECK_SCRIPT = '/app/healthcheck.mjs';

/** The node image's unprivileged user (uid/gid 1000), which the Dockerfiles switch to. */
const NODE_USER = 1000;
/** The postgres and redis images' own users. */
const DATA_USER = 999;

interface Context {
  values: Values;
  /** Object name of one component: <name>-<component>. */
  nameOf(component: Component): string;
  labels(component: Component): Record<string, string>;
  selector(component: Component): Record<string, string>;
  /** The Secret the backend reads (rendered or existing). */
  secretName: string;
  /** Backend settings after defaults for the cluster are applied (plain ones only). */
  backendConfig: Record<string, string>;
}

function imageRef(image: Values['image']['backend']): string {
  return `${image.repository}:${image.tag}`;
}

function createContext(values: Values): Context {
  const nameOf = (component: Component) => `${values.name}-${component}`;
  const selector = (component: Component) => ({
    'app.kubernetes.io/name': 'handoff',
    'app.kubernetes.io/instance': values.name,
    'app.kubernetes.io/component': component,
  });
  // The bundled databases are third-party images: no Handoff version.
  const version = (component: Component) =>
    component === 'review-ui'
      ? values.image.reviewUi.tag
      : component === 'postgres' || component === 'redis'
        ? ''
        : values.image.backend.tag;
  const labels = (component: Component) => {
    const tag = version(component);
    return {
      ...selector(component),
      'app.kubernetes.io/part-of': 'handoff',
      'app.kubernetes.io/managed-by': 'handoff-deploy',
      // Only tags that are valid label values (63 characters of [A-Za-z0-9._-]).
      ...(tag && /^[A-Za-z0-9._-]{1,63}$/.test(tag) ? { 'app.kubernetes.io/version': tag } : {}),
    };
  };
  return {
    values,
    nameOf,
    labels,
    selector,
    secretName: values.secrets.existingSecret || nameOf('backend'),
    backendConfig: envFor('backend', values),
  };
}

/** Plain settings for one reader: the user's config plus what the cluster needs. */
function envFor(reader: SettingReader, values: Values): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of SETTINGS) {
    if (setting.kind !== 'config' || !setting.readers.includes(reader)) continue;
    const value = values.config[setting.name] as SettingValue | undefined;
    if (value !== undefined) env[setting.name] = toEnvString(setting, value);
  }
  if (reader === 'backend') {
    // The backend binds to loopback by default, which nothing outside the pod can reach.
    env.HOST ??= '0.0.0.0';
    if (env.SMTP_LISTENER_PORT) env.SMTP_LISTENER_HOST ??= '0.0.0.0';
    env.PORT = String(values.api.port);
    env.METRICS_PORT = String(values.worker.metricsPort);
  } else {
    env.API_URL = `http://${values.name}-api:${values.api.port}`;
    env.REVIEW_UI_PORT = String(values.reviewUi.port);
  }
  // Reviewers open the UI at the ingress host: cookie-authenticated writes must carry that Origin.
  if (!env.PUBLIC_UI_URL && values.ingress.enabled && values.ingress.uiHost) {
    env.PUBLIC_UI_URL = `${values.ingress.tlsSecretName ? 'https' : 'http'}://${values.ingress.uiHost}`;
  }
  return sortKeys(env);
}

/** By code point, not locale, so every machine renders the same bytes. */
function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The rendered Secret's data: inline secrets, plus URLs of bundled services when not given. */
function secretData(ctx: Context): Record<string, string> {
  const { values } = ctx;
  const data: Record<string, string> = {};
  for (const setting of SETTINGS) {
    if (setting.kind !== 'secret') continue;
    const value = values.secrets.values[setting.name] as SettingValue | undefined;
    if (value !== undefined) data[setting.name] = toEnvString(setting, value);
  }
  if (values.postgres.bundled) {
    data.DATABASE_URL ??= `postgres://postgres:${encodeURIComponent(values.postgres.password)}@${ctx.nameOf('postgres')}:5432/handoff`;
  }
  if (values.redis.bundled) data.REDIS_URL ??= `redis://${ctx.nameOf('redis')}:6379`;
  return sortKeys(data);
}

const podSecurity = (user: number): IPodSpec['securityContext'] => ({
  runAsNonRoot: true,
  runAsUser: user,
  runAsGroup: user,
  fsGroup: user,
  seccompProfile: { type: 'RuntimeDefault' },
});

const containerSecurity = (readOnlyRootFilesystem: boolean): IContainer['securityContext'] => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem,
  capabilities: { drop: ['ALL'] },
});

/** Nothing here calls the Kubernetes API, so pods get no service-account token. */
function podSpec(ctx: Context, spec: IPodSpec, user = NODE_USER): IPodSpec {
  const pullSecrets = ctx.values.image.pullSecrets.map((name) => ({ name }));
  return {
    automountServiceAccountToken: false,
    securityContext: podSecurity(user),
    ...(pullSecrets.length ? { imagePullSecrets: pullSecrets } : {}),
    ...spec,
  };
}

const tmpVolume = { volumes: [{ name: 'tmp', emptyDir: {} }] };
const tmpMount = { volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] };

function backendContainer(ctx: Context, role: 'api' | 'worker', container: Partial<IContainer>): IContainer {
  const { values } = ctx;
  return {
    name: role,
    image: imageRef(values.image.backend),
    imagePullPolicy: values.image.backend.pullPolicy,
    // APP_ROLE is the only setting that differs between the two Deployments.
    env: [{ name: 'APP_ROLE', value: role }],
    envFrom: [{ configMapRef: { name: ctx.nameOf('backend') } }, { secretRef: { name: ctx.secretName } }],
    resources: values[role].resources as IResourceRequirements,
    securityContext: containerSecurity(true),
    ...tmpMount,
    ...container,
  };
}

function metadata(ctx: Context, component: Component, name = ctx.nameOf(component)) {
  return { name, namespace: ctx.values.namespace, labels: ctx.labels(component) };
}

/** Pods restart when the settings they read change (env from ConfigMaps/Secrets is read only at start). */
function configChecksum(...parts: unknown[]): Record<string, string> {
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return { 'handoff.dev/config-checksum': hash.slice(0, 16) };
}

const httpProbe = (path: string, port: string, probe: Omit<IProbe, 'httpGet'>): IProbe => ({
  httpGet: { path, port },
  ...probe,
});

const scriptProbe = (check: 'live' | 'ready', probe: Omit<IProbe, 'exec'>): IProbe => ({
  exec: { command: ['node', HEALTHCHECK_SCRIPT, check] },
  ...probe,
});

function configObjects(ctx: Context): Model<unknown>[] {
  const objects: Model<unknown>[] = [new ConfigMap({ metadata: metadata(ctx, 'backend'), data: ctx.backendConfig })];
  if (ctx.values.reviewUi.enabled) {
    objects.push(new ConfigMap({ metadata: metadata(ctx, 'review-ui'), data: envFor('review-ui', ctx.values) }));
  }
  if (!ctx.values.secrets.existingSecret) {
    objects.push(
      new Secret({
        metadata: metadata(ctx, 'backend'),
        type: 'Opaque',
        stringData: secretData(ctx),
      }),
    );
  }
  return objects;
}

/**
 * One-shot `cli.js setup` (create the database if missing, migrate, create checkpoint tables) before
 * the new version serves. Named after the image so a new version gets a new Job; setup is idempotent.
 */
function migrationJob(ctx: Context): Job {
  const { values } = ctx;
  const image = imageRef(values.image.backend);
  const suffix = createHash('sha256').update(image).digest('hex').slice(0, 8);
  // Hooks run before the release's other objects exist, so the Job is a hook only when what it reads
  // exists beforehand (an external database, a Secret you manage); otherwise apply it first (README).
  const asHook = !values.postgres.bundled && Boolean(values.secrets.existingSecret);
  const hooks = {
    'helm.sh/hook': 'pre-install,pre-upgrade',
    'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    'argocd.argoproj.io/hook': 'PreSync',
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
  };
  const waitForPostgres: IContainer[] = values.postgres.bundled
    ? [
        {
          name: 'wait-for-postgres',
          image: values.postgres.image,
          command: ['sh', '-c', `until pg_isready -h ${ctx.nameOf('postgres')} -p 5432; do sleep 2; done`],
          securityContext: containerSecurity(true),
        },
      ]
    : [];
  return new Job({
    metadata: {
      ...metadata(ctx, 'migrate', `${ctx.nameOf('migrate')}-${suffix}`),
      ...(asHook ? { annotations: hooks } : {}),
    },
    spec: {
      backoffLimit: values.migration.backoffLimit,
      activeDeadlineSeconds: values.migration.activeDeadlineSeconds,
      ttlSecondsAfterFinished: values.migration.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: ctx.labels('migrate') },
        spec: podSpec(ctx, {
          restartPolicy: 'Never',
          ...(waitForPostgres.length ? { initContainers: waitForPostgres } : {}),
          containers: [
            {
              name: 'migrate',
              image,
              imagePullPolicy: values.image.backend.pullPolicy,
              command: ['node', 'backend/dist/src/cli.js', 'setup'],
              // Setup reads only DATABASE_URL.
              envFrom: [{ secretRef: { name: ctx.secretName } }],
              resources: values.api.resources as IResourceRequirements,
              securityContext: containerSecurity(true),
              ...tmpMount,
            },
          ],
          ...tmpVolume,
        }),
      },
    },
  });
}

function apiObjects(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  const deployment = new Deployment({
    metadata: metadata(ctx, 'api'),
    spec: {
      replicas: values.api.replicas,
      selector: { matchLabels: ctx.selector('api') },
      // Never below the wanted count during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: ctx.labels('api'), annotations: configChecksum(ctx.backendConfig, secretData(ctx)) },
        spec: podSpec(ctx, {
          terminationGracePeriodSeconds: values.api.terminationGracePeriodSeconds,
          containers: [
            backendContainer(ctx, 'api', {
              ports: [{ name: 'http', containerPort: values.api.port }],
              startupProbe: httpProbe('/health/live', 'http', { periodSeconds: 5, failureThreshold: 24 }),
              livenessProbe: httpProbe('/health/live', 'http', {
                periodSeconds: 10,
                timeoutSeconds: 3,
                failureThreshold: 3,
              }),
              // Postgres and Redis answer; the route bounds each check at 2 s.
              readinessProbe: httpProbe('/health/ready', 'http', {
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              }),
              // Endpoints drop the pod before it stops listening, so no request meets a closed port.
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            }),
          ],
          ...tmpVolume,
        }),
      },
    },
  });
  const service = new Service({
    metadata: metadata(ctx, 'api'),
    spec: { selector: ctx.selector('api'), ports: [{ name: 'http', port: values.api.port, targetPort: 'http' }] },
  });
  return [deployment, service, disruptionBudget(ctx, 'api', values.api.disruptionBudget)];
}

/** The worker's grace period: its drain time plus a margin, or the user's figure if that is longer. */
export function workerGracePeriod(values: Values): number {
  const drain = workerDrainSeconds(values.config);
  const chosen = values.worker.terminationGracePeriodSeconds ?? drain + SHUTDOWN_MARGIN_SECONDS;
  if (chosen <= drain) {
    throw new Error(
      `worker.terminationGracePeriodSeconds: ${chosen} s does not cover the worker's drain time of ${drain} s ` +
        '(3 LLM calls × LLM_MAX_ATTEMPTS × LLM_TIMEOUT_MS plus backoff); raise it or leave it unset',
    );
  }
  return chosen;
}

function workerObjects(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  const smtpPort = ctx.backendConfig.SMTP_LISTENER_PORT ? Number(ctx.backendConfig.SMTP_LISTENER_PORT) : undefined;
  const deployment = new Deployment({
    metadata: metadata(ctx, 'worker'),
    spec: {
      // KEDA owns the count when autoscaling is on; a fixed count here would fight it on every apply.
      ...(values.autoscaling.enabled ? {} : { replicas: values.worker.replicas }),
      selector: { matchLabels: ctx.selector('worker') },
      template: {
        metadata: { labels: ctx.labels('worker'), annotations: configChecksum(ctx.backendConfig, secretData(ctx)) },
        spec: podSpec(ctx, {
          terminationGracePeriodSeconds: workerGracePeriod(values),
          containers: [
            backendContainer(ctx, 'worker', {
              ports: [
                { name: 'metrics', containerPort: values.worker.metricsPort },
                ...(smtpPort ? [{ name: 'smtp', containerPort: smtpPort }] : []),
              ],
              // A worker has no HTTP API; the probe script asks its metrics listener (see healthcheck.mjs):
              // live = the event loop answers, ready = /metrics answers 200, which reads Postgres and Redis.
              startupProbe: scriptProbe('live', { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 24 }),
              livenessProbe: scriptProbe('live', { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 }),
              readinessProbe: scriptProbe('ready', { periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 3 }),
            }),
          ],
          ...tmpVolume,
        }),
      },
    },
  });
  const objects: Model<unknown>[] = [
    deployment,
    // Headless: it only names the metrics endpoints for the ServiceMonitor.
    new Service({
      metadata: metadata(ctx, 'worker'),
      spec: {
        clusterIP: 'None',
        selector: ctx.selector('worker'),
        ports: [{ name: 'metrics', port: values.worker.metricsPort, targetPort: 'metrics' }],
      },
    }),
    disruptionBudget(ctx, 'worker', values.worker.disruptionBudget),
  ];
  if (smtpPort) {
    const { type, port, annotations } = values.worker.smtpService;
    objects.push(
      new Service({
        metadata: { ...metadata(ctx, 'worker', `${ctx.nameOf('worker')}-smtp`), annotations },
        spec: { type, selector: ctx.selector('worker'), ports: [{ name: 'smtp', port, targetPort: 'smtp' }] },
      }),
    );
  }
  return objects;
}

function reviewUiObjects(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  if (!values.reviewUi.enabled) return [];
  const env = envFor('review-ui', values);
  // /sign-in renders without calling the backend when there is no session cookie.
  const probe = (extra: Omit<IProbe, 'httpGet'>) => httpProbe('/sign-in', 'http', extra);
  const deployment = new Deployment({
    metadata: metadata(ctx, 'review-ui'),
    spec: {
      replicas: values.reviewUi.replicas,
      selector: { matchLabels: ctx.selector('review-ui') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: ctx.labels('review-ui'), annotations: configChecksum(env) },
        spec: podSpec(ctx, {
          containers: [
            {
              name: 'review-ui',
              image: imageRef(values.image.reviewUi),
              imagePullPolicy: values.image.reviewUi.pullPolicy,
              envFrom: [{ configMapRef: { name: ctx.nameOf('review-ui') } }],
              ports: [{ name: 'http', containerPort: values.reviewUi.port }],
              resources: values.reviewUi.resources as IResourceRequirements,
              // Next writes its cache under .next at run time.
              securityContext: containerSecurity(false),
              startupProbe: probe({ periodSeconds: 5, failureThreshold: 24 }),
              livenessProbe: probe({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
              readinessProbe: probe({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            },
          ],
        }),
      },
    },
  });
  const service = new Service({
    metadata: metadata(ctx, 'review-ui'),
    spec: {
      selector: ctx.selector('review-ui'),
      ports: [{ name: 'http', port: values.reviewUi.port, targetPort: 'http' }],
    },
  });
  return [deployment, service, disruptionBudget(ctx, 'review-ui', values.reviewUi.disruptionBudget)];
}

function disruptionBudget(
  ctx: Context,
  component: Component,
  budget: Values['api']['disruptionBudget'],
): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: metadata(ctx, component),
    spec: { maxUnavailable: budget.maxUnavailable, selector: { matchLabels: ctx.selector(component) } },
  });
}

function ingress(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  const { enabled, className, annotations, uiHost, apiHost, tlsSecretName } = values.ingress;
  if (!enabled) return [];
  const rule = (host: string, component: Component, port: number) => ({
    host,
    http: {
      paths: [
        {
          path: '/',
          pathType: 'Prefix' as const,
          backend: { service: { name: ctx.nameOf(component), port: { number: port } } },
        },
      ],
    },
  });
  const hosts = [uiHost, apiHost].filter(Boolean);
  return [
    new Ingress({
      metadata: { ...metadata(ctx, 'api', values.name), annotations },
      spec: {
        ...(className ? { ingressClassName: className } : {}),
        ...(tlsSecretName ? { tls: [{ hosts, secretName: tlsSecretName }] } : {}),
        rules: [
          ...(uiHost ? [rule(uiHost, 'review-ui', values.reviewUi.port)] : []),
          ...(apiHost ? [rule(apiHost, 'api', values.api.port)] : []),
        ],
      },
    }),
  ];
}

/** Scrapes /metrics of the API and of the workers (which count runs, LLM calls and deliveries). */
function serviceMonitors(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  if (!values.serviceMonitor.enabled) return [];
  const monitor = (component: 'api' | 'worker', port: string) =>
    new ServiceMonitor({
      metadata: {
        ...metadata(ctx, component),
        labels: { ...ctx.labels(component), ...values.serviceMonitor.labels },
      },
      spec: {
        selector: { matchLabels: ctx.selector(component) },
        endpoints: [
          {
            port,
            path: '/metrics',
            interval: values.serviceMonitor.interval,
            authorization: { type: 'Bearer', credentials: { name: ctx.secretName, key: 'METRICS_TOKEN' } },
          },
        ],
      },
    });
  return [monitor('api', 'http'), monitor('worker', 'metrics')];
}

/**
 * KEDA scales the workers on work, not CPU: the workflow queue's waiting jobs, and the LLM calls in
 * flight (the rate of the LLM latency histogram's sum is the average number of calls in flight).
 * Each trigger asks for ceil(metric / target) workers; the larger answer wins.
 */
function scaledObject(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  const scaling = values.autoscaling;
  if (!scaling.enabled) return [];
  const targets = scalingTargets(values.config, scaling);
  const selector = scaling.prometheus.labelSelector || `namespace="${values.namespace}"`;
  const trigger = (name: string, query: string, threshold: number) => ({
    type: 'prometheus',
    name,
    metricType: 'AverageValue',
    metadata: {
      serverAddress: scaling.prometheus.serverAddress,
      query,
      threshold: String(threshold),
      // No series yet (no traffic, local model) counts as zero rather than an error.
      ignoreNullValues: 'true',
    },
  });
  return [
    new ScaledObject({
      metadata: metadata(ctx, 'worker'),
      spec: {
        scaleTargetRef: { name: ctx.nameOf('worker') },
        // Never zero: workers also sweep, poll IMAP, listen for SMTP and act on review deadlines.
        minReplicaCount: scaling.minReplicas,
        maxReplicaCount: scaling.maxReplicas,
        pollingInterval: scaling.pollingInterval,
        cooldownPeriod: scaling.cooldownPeriod,
        // Prometheus unreachable: hold the fixed count rather than guess.
        fallback: { failureThreshold: 3, replicas: values.worker.replicas },
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleDown: { stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds } },
          },
        },
        triggers: [
          // Every process reports the same queue gauge, read from Redis: max, not sum.
          trigger(
            'workflow-waiting-jobs',
            `max(handoff_queue_jobs{${selector},queue="workflow",state="waiting"})`,
            targets.waitingJobsPerWorker,
          ),
          trigger(
            'llm-calls-in-flight',
            `sum(rate(handoff_llm_request_duration_seconds_sum{${selector}}[2m]))`,
            targets.llmCallsPerWorker,
          ),
        ],
      },
    }),
  ];
}

/** Trials only: one PostgreSQL with a volume. Production points DATABASE_URL at a managed service. */
function bundledPostgres(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  if (!values.postgres.bundled) return [];
  const name = ctx.nameOf('postgres');
  return [
    new Secret({
      metadata: metadata(ctx, 'postgres'),
      type: 'Opaque',
      stringData: { POSTGRES_PASSWORD: values.postgres.password },
    }),
    new StatefulSet({
      metadata: metadata(ctx, 'postgres'),
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: ctx.selector('postgres') },
        template: {
          metadata: { labels: ctx.labels('postgres') },
          spec: podSpec(
            ctx,
            {
              containers: [
                {
                  name: 'postgres',
                  image: values.postgres.image,
                  env: [
                    { name: 'POSTGRES_DB', value: 'handoff' },
                    { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name, key: 'POSTGRES_PASSWORD' } } },
                    // A subfolder: the volume's root may hold lost+found, which initdb refuses.
                    { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                  ],
                  ports: [{ name: 'postgres', containerPort: 5432 }],
                  readinessProbe: { exec: { command: ['pg_isready', '-U', 'postgres'] }, periodSeconds: 5 },
                  livenessProbe: { exec: { command: ['pg_isready', '-U', 'postgres'] }, periodSeconds: 20 },
                  securityContext: containerSecurity(false),
                  volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
                },
              ],
            },
            DATA_USER,
          ),
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(values.postgres.storageClassName ? { storageClassName: values.postgres.storageClassName } : {}),
              resources: { requests: { storage: values.postgres.storage } },
            },
          },
        ],
      },
    }),
    new Service({
      metadata: metadata(ctx, 'postgres'),
      spec: { selector: ctx.selector('postgres'), ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
    }),
  ];
}

/** Trials only: Redis without persistence — it carries work, never truth; the sweeper rebuilds lost jobs from Postgres. */
function bundledRedis(ctx: Context): Model<unknown>[] {
  const { values } = ctx;
  if (!values.redis.bundled) return [];
  const ping = { exec: { command: ['redis-cli', 'ping'] } };
  return [
    new Deployment({
      metadata: metadata(ctx, 'redis'),
      spec: {
        replicas: 1,
        selector: { matchLabels: ctx.selector('redis') },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: ctx.labels('redis') },
          spec: podSpec(
            ctx,
            {
              containers: [
                {
                  name: 'redis',
                  image: values.redis.image,
                  // BullMQ needs noeviction: an evicted key would be a lost job or lock.
                  args: ['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
                  ports: [{ name: 'redis', containerPort: 6379 }],
                  readinessProbe: { ...ping, periodSeconds: 5 },
                  livenessProbe: { ...ping, periodSeconds: 20 },
                  securityContext: containerSecurity(true),
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                },
              ],
              volumes: [{ name: 'data', emptyDir: {} }],
            },
            DATA_USER,
          ),
        },
      },
    }),
    new Service({
      metadata: metadata(ctx, 'redis'),
      spec: { selector: ctx.selector('redis'), ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }] },
    }),
  ];
}

/** Every object for the values, the migration Job first (apply it first when not using hooks). */
export function renderObjects(values: Values): Model<unknown>[] {
  const ctx = createContext(values);
  return [
    migrationJob(ctx),
    ...configObjects(ctx),
    ...bundledPostgres(ctx),
    ...bundledRedis(ctx),
    ...apiObjects(ctx),
    ...workerObjects(ctx),
    ...reviewUiObjects(ctx),
    ...ingress(ctx),
    ...serviceMonitors(ctx),
    ...scaledObject(ctx),
  ];
}

/** Multi-document YAML of the objects, each validated against its schema first. */
export function toYaml(objects: Model<unknown>[], header: string): string {
  const documents = objects.map((object) => {
    object.validate();
    return stringify(object.toJSON(), { lineWidth: 0 });
  });
  return `${header}\n${documents.map((document) => `---\n${document}`).join('')}`;
}
