import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SETTINGS, type Setting } from './settings';

/** deploy/values.yaml: every option with its default; a user's file is merged over it. */
export const DEFAULT_VALUES_FILE = join(__dirname, '..', '..', 'values.yaml');

const settingValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

/** A map of settings by variable name that accepts only settings of the given kind. */
function settingsMap(kind: 'config' | 'secret') {
  const where = (setting: Setting) => {
    if (setting.kind === 'wired') return `is set by ${setting.from}`;
    return setting.kind === 'secret'
      ? 'is a secret: set it under secrets.values'
      : 'is not a secret: set it under config';
  };
  return z.record(z.string(), settingValue).superRefine((map, ctx) => {
    for (const name of Object.keys(map)) {
      const setting = SETTINGS.find((candidate) => candidate.name === name);
      if (!setting)
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a setting of the configuration table' });
      else if (setting.kind !== kind) ctx.addIssue({ code: 'custom', path: [name], message: where(setting) });
    }
  });
}

const name = z.string().regex(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/, 'must be a DNS label of at most 32 characters');
const port = z.number().int().min(1).max(65535);
const quantities = z.record(z.string(), z.union([z.string(), z.number()]));
const resources = z.object({ requests: quantities.optional(), limits: quantities.optional() }).strict();
const disruptionBudget = z.object({ maxUnavailable: z.union([z.number().int().min(0), z.string()]) }).strict();
const image = z
  .object({
    repository: z.string().min(1),
    tag: z.string().min(1),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
  })
  .strict();
const stringMap = z.record(z.string(), z.string());

export const ValuesSchema = z
  .object({
    /** Prefix of every object name, like a Helm release name. */
    name,
    namespace: name,
    image: z.object({ backend: image, reviewUi: image, pullSecrets: z.array(z.string()) }).strict(),
    config: settingsMap('config'),
    secrets: z
      .object({
        /** A Secret you manage (External Secrets, Sealed Secrets, kubectl create secret); then no Secret is rendered. */
        existingSecret: z.string(),
        values: settingsMap('secret'),
      })
      .strict(),
    api: z
      .object({
        replicas: z.number().int().min(1),
        port,
        resources,
        disruptionBudget,
        terminationGracePeriodSeconds: z.number().int().min(1),
      })
      .strict(),
    worker: z
      .object({
        /** Fixed replica count; with autoscaling on, KEDA owns the count and this is its fallback. */
        replicas: z.number().int().min(1),
        metricsPort: port,
        resources,
        disruptionBudget,
        /** Unset: the worker's drain time plus a margin (worker-sizing.ts). Refused when not above the drain time. */
        terminationGracePeriodSeconds: z.number().int().min(1).optional(),
        /** Exposes the SMTP listener (only when config.SMTP_LISTENER_PORT is set). */
        smtpService: z
          .object({ type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']), port, annotations: stringMap })
          .strict(),
      })
      .strict(),
    reviewUi: z
      .object({
        enabled: z.boolean(),
        replicas: z.number().int().min(1),
        port,
        resources,
        disruptionBudget,
      })
      .strict(),
    migration: z
      .object({
        backoffLimit: z.number().int().min(0),
        activeDeadlineSeconds: z.number().int().min(1),
        ttlSecondsAfterFinished: z.number().int().min(0),
      })
      .strict(),
    ingress: z
      .object({
        enabled: z.boolean(),
        className: z.string(),
        annotations: stringMap,
        /** Host of the review UI (reviewers' browsers). */
        uiHost: z.string(),
        /** Host of the API (machine clients, inbound webhooks, Slack). */
        apiHost: z.string(),
        /** TLS certificate Secret for both hosts; empty serves plain HTTP. */
        tlsSecretName: z.string(),
      })
      .strict(),
    serviceMonitor: z
      .object({ enabled: z.boolean(), interval: z.string().regex(/^\d+[smh]$/), labels: stringMap })
      .strict(),
    autoscaling: z
      .object({
        enabled: z.boolean(),
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        pollingInterval: z.number().int().min(1),
        cooldownPeriod: z.number().int().min(0),
        scaleDownStabilizationSeconds: z.number().int().min(0).max(3600),
        prometheus: z
          .object({
            serverAddress: z.url(),
            /** PromQL label matchers that pick this release's series; empty: namespace="<namespace>". */
            labelSelector: z.string(),
          })
          .strict(),
        /** Unset: 2 × WORKER_CONCURRENCY. */
        waitingJobsPerWorker: z.number().positive().optional(),
        /** Unset: 0.75 × min(WORKER_CONCURRENCY, LLM_MAX_CONCURRENCY). */
        llmCallsPerWorker: z.number().positive().optional(),
      })
      .strict()
      .refine((scaling) => scaling.minReplicas <= scaling.maxReplicas, {
        message: 'minReplicas must not exceed maxReplicas',
      }),
    postgres: z
      .object({
        bundled: z.boolean(),
        image: z.string().min(1),
        storage: z.string().min(1),
        storageClassName: z.string(),
        password: z.string(),
      })
      .strict(),
    redis: z.object({ bundled: z.boolean(), image: z.string().min(1) }).strict(),
  })
  .strict()
  .superRefine((values, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const inline = values.secrets.values;
    if (values.secrets.existingSecret) {
      if (Object.keys(inline).length > 0) {
        issue(['secrets', 'values'], 'leave empty when secrets.existingSecret is set (one source of secrets)');
      }
    } else {
      if (!inline.ADMIN_API_KEY) issue(['secrets', 'values', 'ADMIN_API_KEY'], 'is required');
      if (!inline.DATABASE_URL && !values.postgres.bundled) {
        issue(['secrets', 'values', 'DATABASE_URL'], 'is required unless postgres.bundled is true');
      }
      if (!inline.REDIS_URL && !values.redis.bundled) {
        issue(['secrets', 'values', 'REDIS_URL'], 'is required unless redis.bundled is true');
      }
      if (values.serviceMonitor.enabled && !inline.METRICS_TOKEN) {
        issue(
          ['secrets', 'values', 'METRICS_TOKEN'],
          'is required with serviceMonitor.enabled (Prometheus scrapes with it)',
        );
      }
    }
    if (values.postgres.bundled && values.postgres.password.length < 12) {
      issue(['postgres', 'password'], 'needs 12+ characters when postgres.bundled is true');
    }
    if (values.ingress.enabled && !values.ingress.uiHost && !values.ingress.apiHost) {
      issue(['ingress'], 'set uiHost and/or apiHost when ingress.enabled is true');
    }
    if (values.ingress.enabled && values.ingress.uiHost && !values.reviewUi.enabled) {
      issue(['ingress', 'uiHost'], 'needs reviewUi.enabled');
    }
    if (values.autoscaling.enabled && !values.serviceMonitor.enabled && !values.autoscaling.prometheus.labelSelector) {
      issue(
        ['autoscaling', 'prometheus', 'labelSelector'],
        'autoscaling reads the workers metrics from Prometheus: enable serviceMonitor or name the series you scrape',
      );
    }
  });

export type Values = z.output<typeof ValuesSchema>;

export class ValuesError extends Error {}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Helm's merge: maps merge key by key, anything else (lists included) replaces; null removes a default. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeValues(base[key], value);
  }
  return merged;
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValuesError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parse(text) ?? {};
  } catch (error) {
    throw new ValuesError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
}

/** Defaults merged with each given values document in order, then validated; throws ValuesError naming every problem. */
export function resolveValues(...overrides: unknown[]): Values {
  const merged = overrides.reduce(mergeValues, readYaml(DEFAULT_VALUES_FILE));
  const result = ValuesSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || 'values'}: ${issue.message}`);
    throw new ValuesError(`Invalid values:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Reads a values file and resolves it over the defaults. */
export function loadValues(file?: string): Values {
  return file ? resolveValues(readYaml(file)) : resolveValues();
}
