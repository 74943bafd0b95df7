/**
 * Figures the renderer derives from the backend's settings: how long a worker may need to
 * drain on SIGTERM, and the per-worker targets the autoscaler aims for.
 */

/** The backend's defaults for the settings used here (backend/src/config/config.schema.ts; a test compares them). */
export const BACKEND_DEFAULTS = {
  LLM_TIMEOUT_MS: 60_000,
  LLM_MAX_ATTEMPTS: 3,
  CALLBACK_TIMEOUT_MS: 10_000,
  WORKER_CONCURRENCY: 4,
  LLM_MAX_CONCURRENCY: 8,
} as const;

type SizingSetting = keyof typeof BACKEND_DEFAULTS;

/** The longest backoff between LLM attempts (maxDelayMs in backend/src/workflow/triage-model.factory.ts). */
export const LLM_MAX_BACKOFF_MS = 30_000;

/** Sequential LLM calls in one workflow job at most: classify, draft and score on a new run. */
export const LLM_CALLS_PER_JOB = 3;

/** Added to the drain time: closing Postgres/Redis connections and flushing traces. */
export const SHUTDOWN_MARGIN_SECONDS = 30;

function numberSetting(config: Record<string, unknown>, name: SizingSetting): number {
  const raw = config[name];
  if (raw === undefined) return BACKEND_DEFAULTS[name];
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`config.${name}: must be a positive number`);
  return value;
}

/**
 * On SIGTERM a worker stops taking jobs and waits for the running ones (BullMQ's close), then exits.
 * The longest job is a new run whose every LLM call times out on every attempt, with the longest
 * backoff between attempts; a delivery job is bounded by CALLBACK_TIMEOUT_MS.
 * (A worker killed earlier loses nothing — its jobs are taken over from their checkpoints — but
 * repeats that work, so the grace period covers the whole drain.)
 */
export function workerDrainSeconds(config: Record<string, unknown>): number {
  const attempts = numberSetting(config, 'LLM_MAX_ATTEMPTS');
  const perCallMs = attempts * numberSetting(config, 'LLM_TIMEOUT_MS') + (attempts - 1) * LLM_MAX_BACKOFF_MS;
  const longestJobMs = Math.max(LLM_CALLS_PER_JOB * perCallMs, numberSetting(config, 'CALLBACK_TIMEOUT_MS'));
  return Math.ceil(longestJobMs / 1000);
}

/** Autoscaling targets per worker replica (KEDA divides the metric by them to get the replica count). */
export function scalingTargets(
  config: Record<string, unknown>,
  overrides: { waitingJobsPerWorker?: number; llmCallsPerWorker?: number },
): { waitingJobsPerWorker: number; llmCallsPerWorker: number } {
  return {
    // Two full batches waiting per worker: the backlog outgrows what the workers take in one round.
    waitingJobsPerWorker: overrides.waitingJobsPerWorker ?? 2 * numberSetting(config, 'WORKER_CONCURRENCY'),
    // A job makes its LLM calls one after another, so a worker has at most min(jobs, LLM slots) calls
    // in flight; three quarters of that busy on average means the workers mostly wait on the model.
    llmCallsPerWorker:
      overrides.llmCallsPerWorker ??
      0.75 * Math.min(numberSetting(config, 'WORKER_CONCURRENCY'), numberSetting(config, 'LLM_MAX_CONCURRENCY')),
  };
}
