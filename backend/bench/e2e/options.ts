import { parseArgs } from 'node:util';

export type BenchMode = 'normal' | 'slow-llm' | 'ingest';

export interface BenchOptions {
  mode: BenchMode;
  /** Emails pushed through the service (half auto-sent, half reviewed); the baseline runs as many. */
  emails: number;
  /** WORKER_CONCURRENCY of each worker process. */
  concurrency: number;
  /** Worker processes beside the API process; 0 runs one process with APP_ROLE=all. */
  workers: number;
  /** Sequential auto-sent emails on an idle service, for ingest→SMTP at idle. */
  idleSamples: number;
  /** slow-llm: how long the loopback OpenAI-compatible server takes to answer each call. */
  llmLatencyMs: number;
  /** ingest: requests per second and for how long. */
  rate: number;
  durationSeconds: number;
  /** The whole run stops after this long and reports what did not finish. */
  timeoutSeconds: number;
  json: boolean;
  postgresUrl: string;
  redisUrl: string;
}

const DEFAULTS: Record<BenchMode, Pick<BenchOptions, 'emails' | 'concurrency'>> = {
  normal: { emails: 400, concurrency: 4 },
  // The "never freezes" case: one worker, WORKER_CONCURRENCY=200, 1,000 emails, 1 s per LLM call.
  'slow-llm': { emails: 1_000, concurrency: 200 },
  ingest: { emails: 0, concurrency: 4 },
};

export const USAGE = `Usage: npm run bench:e2e -- [options]
  --mode normal|slow-llm|ingest   default normal
  --emails N                      emails through the service, half held for review (normal 400, slow-llm 1000)
  --concurrency N                 WORKER_CONCURRENCY per worker (normal 4, slow-llm 200)
  --workers K                     worker processes beside the API (default 1; 0 = one APP_ROLE=all process)
  --idle-samples N                sequential emails for ingest→SMTP at idle (default 20; normal mode)
  --llm-latency-ms MS             slow-llm: how long the fake model takes per call (default 1000)
  --rate R --duration S           ingest: POSTs per second and seconds (default 500 for 10)
  --timeout S                     stop and report "did not finish" after S seconds (default 900)
  --json                          print the figures as JSON instead of a table
Environment: BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432), BENCH_REDIS_URL (redis://127.0.0.1:6379)`;

export class UsageError extends Error {}

function count(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`--${name} must be an integer ≥ ${min}`);
  return parsed;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        mode: { type: 'string' },
        emails: { type: 'string' },
        concurrency: { type: 'string' },
        workers: { type: 'string' },
        'idle-samples': { type: 'string' },
        'llm-latency-ms': { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const mode = (values.mode ?? 'normal') as BenchMode;
  if (!(mode in DEFAULTS)) throw new UsageError(`--mode must be normal, slow-llm or ingest`);
  const options: BenchOptions = {
    mode,
    emails: count('emails', values.emails, DEFAULTS[mode].emails, mode === 'ingest' ? 0 : 2),
    concurrency: count('concurrency', values.concurrency, DEFAULTS[mode].concurrency, 1),
    workers: count('workers', values.workers, 1),
    idleSamples: count('idle-samples', values['idle-samples'], 20, 1),
    llmLatencyMs: count('llm-latency-ms', values['llm-latency-ms'], 1_000),
    rate: count('rate', values.rate, 500, 1),
    durationSeconds: count('duration', values.duration, 10, 1),
    timeoutSeconds: count('timeout', values.timeout, 900, 5),
    json: values.json ?? false,
    postgresUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  if (mode === 'ingest' && options.workers === 0)
    throw new UsageError('--mode ingest measures the API role alone: use --workers ≥ 1');
  return options;
}
