/**
 * `npm run bench:e2e`: the service end to end (separate API and worker processes
 * on a fresh database and Redis prefix, SMTP sink on loopback) next to the bare
 * engine (raw LangGraph + PostgresSaver) in the same run. See --help.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { MailCatcher } from '../../src/delivery/mail-catcher';
import { createDatabaseIfMissing, setUpDatabase } from '../../src/database/setup';
import { BenchApi } from './api';
import { runBaseline } from './baseline';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './options';
import { BenchDatabase, settledReading, type DatabaseReading } from './postgres';
import {
  combined,
  llmFigures,
  phaseFigures,
  renderTables,
  summarise,
  type BaselineFigures,
  type BenchReport,
  type ServiceFigures,
} from './report';
import { OutOfTime, RunControl } from './run-control';
import { ServiceCluster } from './service';
import {
  Deliveries,
  idleLatency,
  ingestAtRate,
  Reviewer,
  startProbes,
  throughputPhase,
  type ServiceContext,
} from './service-bench';
import { startSlowModel } from './slow-model';
import { round } from './stats';

const WARMUP_EMAILS = 2;

interface Run {
  options: BenchOptions;
  control: RunControl;
  /** Lower-case tag in every name the run creates (databases, Redis prefix, addresses). */
  tag: string;
  report: BenchReport;
}

function emailCounts(options: BenchOptions) {
  return { auto: Math.ceil(options.emails / 2), review: Math.floor(options.emails / 2) };
}

async function baselinePart(run: Run): Promise<void> {
  const { options, control, tag } = run;
  const database = new BenchDatabase(options.postgresUrl, `handoff_bench_${tag}_engine`).register(run.control);
  run.report.resources.databases.push(database.name);
  // Its own database, holding only LangGraph's tables (runBaseline creates them).
  await createDatabaseIfMissing(database.url);
  const phases = await runBaseline(
    database,
    tag,
    emailCounts(options),
    Math.max(1, options.workers) * options.concurrency,
    control,
  );
  const { auto, review } = phases;
  if (auto.interrupted !== 0 || review.interrupted !== review.runs)
    run.report.warnings.push(
      `bare engine: ${auto.interrupted} auto-sent runs and ${review.interrupted} of ${review.runs} reviewed runs stopped for review`,
    );
  const figures: BaselineFigures = { ...combined([auto, review]), phases };
  run.report.baseline = figures;
}

async function servicePart(run: Run): Promise<void> {
  const { options, control, tag } = run;
  const database = new BenchDatabase(options.postgresUrl, `handoff_bench_${tag}_service`).register(control);
  const redisPrefix = `handoff_bench_${tag}`;
  run.report.resources.databases.push(database.name);
  run.report.resources.redisPrefix = redisPrefix;
  control.onCleanUp(`delete Redis keys ${redisPrefix}:*`, () => deleteRedisKeys(options.redisUrl, redisPrefix));
  await setUpDatabase(database.url);

  const smtp = new MailCatcher();
  await smtp.start();
  control.onCleanUp('stop the SMTP sink', () => smtp.stop());
  const model = options.mode === 'slow-llm' ? await startSlowModel(options.llmLatencyMs) : undefined;
  if (model) control.onCleanUp('stop the fake model', () => model.close());
  const logDir = mkdtempSync(join(tmpdir(), 'handoff-bench-'));
  control.onCleanUp('remove the service logs', async () => rmSync(logDir, { recursive: true, force: true }));

  const apiKey = randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: redisPrefix,
    ADMIN_API_KEY: apiKey,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'support@handoff.bench',
    WORKER_CONCURRENCY: String(options.concurrency),
    // The bench pushes far more than a client would; the limiter is not what it measures.
    INGEST_RATE_LIMIT_PER_MINUTE: '100000000',
    // The emails are crafted per path (auto-send or review) against the static thresholds; a fresh database
    // has no reviewer evidence, so the learned gate would hold them all, and audit draws would mix the phases.
    AUTO_SEND_MODE: 'static',
    AUTO_SEND_AUDIT_RATE: '0',
    ...(model
      ? {
          LLM_PROVIDER: 'openai',
          OPENAI_BASE_URL: model.baseURL,
          OPENAI_API_KEY: model.apiKey,
          // Every run slot may wait on the model at once; the default (8) would cap the run, not the service.
          LLM_MAX_CONCURRENCY: String(options.concurrency),
        }
      : { LLM_PROVIDER: 'local' }),
  };
  const cluster = await ServiceCluster.start(env, options.workers, logDir, control);
  control.onCleanUp('print the logs of a run that did not finish', async () => {
    if (run.report.didNotFinish) console.error(cluster.logTails());
  });
  const api = new BenchApi(cluster.url, apiKey);
  const deliveries = new Deliveries(smtp);
  deliveries.start();
  control.onCleanUp('stop watching the SMTP sink', async () => deliveries.stop());
  const reviewer = new Reviewer(api, control);
  await reviewer.start();
  control.onCleanUp('close the review stream', async () => reviewer.close());
  const context: ServiceContext = {
    cluster,
    api,
    deliveries,
    reviewer,
    control,
    runTag: tag,
    nextIndex: { auto: 0, review: 0 },
  };

  // JIT, pools and connections warm up on emails that are not measured.
  await idleLatency(context, WARMUP_EMAILS);
  if (options.mode === 'ingest') {
    const load = await ingestAtRate(context, options.rate, options.durationSeconds);
    run.report.ingestLoad = {
      rate: options.rate,
      sent: load.sent,
      failures: Object.values(load.failures).reduce((sum, count) => sum + count, 0),
      failureReasons: load.failures,
      seconds: round(load.seconds),
      achievedRate: round(load.sent / load.seconds),
      latencyMs: summarise(load.latencies),
    };
    control.check();
    return;
  }

  const idle = options.mode === 'normal' ? await idleLatency(context, options.idleSamples) : [];
  const probes = options.mode === 'slow-llm' ? startProbes(api) : undefined;
  const counts = emailCounts(options);
  const figures: ServiceFigures = {
    runsPerSecond: null,
    commitsPerRun: null,
    checkpointBytesPerRun: null,
    phases: {
      auto: {
        runs: counts.auto,
        ingested: 0,
        completed: 0,
        finished: false,
        seconds: null,
        runsPerSecond: null,
        commitsPerRun: null,
        checkpointBytesPerRun: null,
        reviewsOpened: 0,
      },
      review: null,
    },
    ingestMs: summarise([]),
    ingestToSmtpMs: { idle: summarise(idle), underLoad: summarise([]) },
    llm: null,
    probes: null,
  };
  run.report.service = figures;
  // The liveness probes of slow-llm read the database every 200 ms, so its commit counts would be theirs.
  const read = (): Promise<DatabaseReading> =>
    options.mode === 'normal'
      ? settledReading(database, control)
      : database.checkpointBytes().then((checkpointBytes) => ({ commits: Number.NaN, checkpointBytes }));
  try {
    const start = await read();
    const auto = await throughputPhase(context, 'auto', counts.auto);
    const afterAuto = auto.finished ? await read() : undefined;
    figures.phases.auto = phaseFigures(auto, start, afterAuto);
    figures.ingestToSmtpMs.underLoad = summarise(auto.ingestToSmtpMs);
    figures.ingestMs = summarise(auto.ingestMs);
    if (!auto.finished) throw new OutOfTime(options.timeoutSeconds);
    const review = await throughputPhase(context, 'review', counts.review);
    const afterReview = review.finished ? await read() : undefined;
    figures.phases.review = phaseFigures(review, afterAuto, afterReview);
    figures.ingestMs = summarise([...auto.ingestMs, ...review.ingestMs]);
    if (!review.finished) throw new OutOfTime(options.timeoutSeconds);
    if (auto.reviewsOpened !== 0 || review.reviewsOpened !== review.runs)
      run.report.warnings.push(
        `the service held ${auto.reviewsOpened} emails crafted to auto-send and ${review.reviewsOpened} of ${review.runs} crafted for review: the per-phase figures are mixed`,
      );
    Object.assign(figures, combined([figures.phases.auto, figures.phases.review]));
  } finally {
    figures.probes = (await probes?.stop()) ?? null;
    if (model) {
      // Per email taken in: runs still in flight at a timeout have made some of their calls.
      const emails = WARMUP_EMAILS + figures.phases.auto.ingested + (figures.phases.review?.ingested ?? 0);
      figures.llm = llmFigures(model.usage, emails);
    }
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function settingsOf(options: BenchOptions): Record<string, number> {
  const common = { workers: options.workers, WORKER_CONCURRENCY: options.concurrency };
  switch (options.mode) {
    case 'normal':
      return { emails: options.emails, ...common, idleSamples: options.idleSamples };
    case 'slow-llm':
      return { emails: options.emails, ...common, llmLatencyMs: options.llmLatencyMs };
    case 'ingest':
      return { rate: options.rate, durationSeconds: options.durationSeconds, ...common };
  }
}

/** How far the run got when time ran out. */
function progress({ service, baseline, ingestLoad }: BenchReport): string {
  if (ingestLoad) return `${ingestLoad.sent} POSTs sent, ${ingestLoad.failures} failed or still open`;
  if (!service) return baseline ? 'the service had not started its phases' : 'the bare engine had not finished';
  const phase = service.phases.review ?? service.phases.auto;
  const name = service.phases.review ? 'reviewed' : 'auto-sent';
  return `the service's ${name} phase had ${phase.completed} of ${phase.runs} replies at the SMTP sink`;
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    if (process.argv.includes('--help')) {
      console.log(USAGE);
      return;
    }
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const control = new RunControl(options.timeoutSeconds);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: removing the bench's processes, databases and Redis keys`);
      void control.cleanUp().finally(() => process.exit(130));
    });
  }
  const run: Run = {
    options,
    control,
    tag: `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`,
    report: {
      mode: options.mode,
      settings: settingsOf(options),
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? null), node: process.version },
      resources: { databases: [], redisPrefix: null },
      didNotFinish: null,
      warnings: [],
      service: null,
      baseline: null,
      ratio: null,
      ingestLoad: null,
    },
  };
  try {
    // The bare engine first: it is short, and its figures stand even if the service does not finish.
    if (options.mode === 'normal') await baselinePart(run);
    await servicePart(run);
  } catch (error) {
    if (error instanceof OutOfTime || control.signal.aborted) {
      run.report.didNotFinish = `stopped by --timeout ${options.timeoutSeconds} s: ${progress(run.report)}`;
    } else {
      run.report.didNotFinish = `failed: ${(error as Error).stack ?? String(error)}`;
      process.exitCode = 1;
    }
  } finally {
    await control.cleanUp();
  }
  const { service, baseline } = run.report;
  if (service?.runsPerSecond && baseline?.runsPerSecond)
    run.report.ratio = round(service.runsPerSecond / baseline.runsPerSecond, 3);
  console.log(options.json ? JSON.stringify(run.report, null, 2) : renderTables(run.report));
}

void main();
