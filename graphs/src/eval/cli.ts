// `npm run eval -- --data <file.jsonl> [--provider local|openai] [--out <dir>] [--baseline]`
// Runs a labelled set through the triage graph and writes report.json, report.md and SVG charts.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { TaxonomySchema, type Taxonomy } from '../schemas';
import { ChatTriageModel, createOpenAIChatModel } from '../llm/openai';
import { LocalTriageModel, loadNaiveBayesModel, NaiveBayesClassifier } from '../llm/local';
import { createTriagePolicy, DEFAULT_TAXONOMY } from '../policy';
import type { TriageModel, TriagePolicy } from '../ports';
import { readEvalCases, type EvalCase } from './dataset';
import { modelReport, writeReport, type EvalReport, type ModelReport, type Prices } from './report';
import { runCases } from './runner';
import { UsageMeter } from './usage';

const USAGE = `Usage: npm run eval -- --data <file.jsonl> [options]

  --data <file>        JSONL, one {"subject"?, "text", "category", "expectedReply"?} per line (required)
  --provider <name>    local (default) or openai: OPENAI_API_KEY, OPENAI_BASE_URL and LLM_MODEL as for the service
  --out <dir>          where report.json, report.md and the charts go (default: eval-report)
  --concurrency <n>    messages in flight at once (default 4)
  --baseline           also run the previous offline model (naive Bayes) on the same set
  --price-in <usd>     price per million input tokens, to report cost
  --price-out <usd>    price per million output tokens
The policy comes from DEFAULT_AUTO_SEND_THRESHOLD, AUTO_SEND_THRESHOLDS, ALWAYS_REVIEW_CATEGORIES and
TAXONOMY, with the service's defaults.`;

class UsageError extends Error {}

const positive = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).positive({ error: `${name} must be positive` });

const ArgsSchema = z.object({
  data: z.string({ error: '--data is required' }).min(1),
  provider: z.enum(['local', 'openai'], { error: '--provider must be local or openai' }).default('local'),
  out: z.string().default('eval-report'),
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
  baseline: z.boolean().default(false),
  'price-in': positive('--price-in').optional(),
  'price-out': positive('--price-out').optional(),
});

/** The same variables, defaults and parsing as the service's config. */
const EnvSchema = z.object({
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  DEFAULT_AUTO_SEND_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  AUTO_SEND_THRESHOLDS: z.string().optional(),
  ALWAYS_REVIEW_CATEGORIES: z.string().optional(),
  TAXONOMY: z.string().optional(),
});
type Env = z.infer<typeof EnvSchema>;

function policyFrom(env: Env): TriagePolicy {
  const json = (name: string, text: string | undefined): unknown => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new UsageError(`${name} is not valid JSON`);
    }
  };
  const taxonomy = env.TAXONOMY === undefined ? DEFAULT_TAXONOMY : TaxonomySchema.parse(json('TAXONOMY', env.TAXONOMY));
  return createTriagePolicy({
    taxonomy,
    thresholds: z
      .record(z.string(), z.number())
      .optional()
      .parse(json('AUTO_SEND_THRESHOLDS', env.AUTO_SEND_THRESHOLDS)),
    defaultThreshold: env.DEFAULT_AUTO_SEND_THRESHOLD,
    alwaysReview: env.ALWAYS_REVIEW_CATEGORIES?.split(',')
      .map((key) => key.trim())
      .filter(Boolean),
  });
}

/** Settings from the environment are the user's to fix, like arguments: a readable message and exit 2. */
function settings<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof z.ZodError) throw new UsageError(z.prettifyError(error));
    throw error;
  }
}

/** Progress on stderr: a bar redrawn in place on a terminal, a line per tenth otherwise. */
function progress(label: string): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}

/** A missing or malformed data file is the user's to fix: say where, and exit as for bad arguments. */
function readCases(file: string, taxonomy: Taxonomy): EvalCase[] {
  try {
    return readEvalCases(file, taxonomy);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function evaluateModel(
  model: TriageModel,
  cases: EvalCase[],
  policy: TriagePolicy,
  options: { concurrency: number; meter: UsageMeter | null; prices: Prices | null },
): Promise<ModelReport> {
  const started = Date.now();
  const results = await runCases(cases, {
    model,
    policy,
    concurrency: options.concurrency,
    onProgress: progress(model.name),
  });
  return modelReport(model.name, cases, results, policy, {
    durationMs: Date.now() - started,
    usage: options.meter?.usage ?? null,
    prices: options.prices,
  });
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      provider: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      baseline: { type: 'boolean' },
      'price-in': { type: 'string' },
      'price-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const args = parsed.data;
  const env = settings(() => EnvSchema.parse(process.env));
  const policy = settings(() => policyFrom(env));
  // npm runs scripts from the repository root; paths are meant relative to where the user typed the command.
  const base = process.env['INIT_CWD'] ?? process.cwd();
  const dataFile = resolve(base, args.data);
  const cases = readCases(dataFile, policy.taxonomy);
  const prices =
    args['price-in'] !== undefined || args['price-out'] !== undefined
      ? { inputPerMillion: args['price-in'] ?? 0, outputPerMillion: args['price-out'] ?? 0 }
      : null;

  let model: TriageModel;
  let meter: UsageMeter | null = null;
  if (args.provider === 'openai') {
    if (!env.OPENAI_API_KEY) throw new UsageError('--provider openai needs OPENAI_API_KEY');
    meter = new UsageMeter();
    const chat = createOpenAIChatModel({
      baseURL: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY,
      model: env.LLM_MODEL,
      timeoutMs: env.LLM_TIMEOUT_MS,
      maxRetries: 3,
      callbacks: [meter],
    });
    model = new ChatTriageModel(chat, `openai:${env.LLM_MODEL}`);
  } else {
    model = new LocalTriageModel();
  }

  const options = { concurrency: args.concurrency, prices };
  const report: EvalReport = {
    generatedAt: new Date().toISOString(),
    data: args.data,
    provider: args.provider,
    policy: policy.taxonomy.map(({ key }) => ({
      category: key,
      threshold: policy.autoSendThreshold(key),
      alwaysReview: policy.alwaysReview(key),
    })),
    model: await evaluateModel(model, cases, policy, { ...options, meter }),
    baseline: args.baseline
      ? await evaluateModel(
          new LocalTriageModel({
            classifier: new NaiveBayesClassifier(loadNaiveBayesModel()),
            name: 'local-nb (previous)',
          }),
          cases,
          policy,
          { ...options, meter: null },
        )
      : null,
  };
  const outDir = resolve(base, args.out);
  const written = writeReport(outDir, report);
  const { metrics } = report.model;
  console.log(
    `${report.model.model}: accuracy ${(metrics.accuracy * 100).toFixed(1)}%, macro-F1 ${metrics.macroF1.toFixed(3)}, ` +
      `ECE ${metrics.calibration.ece.toFixed(3)}, auto-sent ${metrics.autoSend.sent}/${metrics.messages} ` +
      `with ${metrics.autoSend.wrong} wrong` +
      (report.baseline ? `; baseline accuracy ${(report.baseline.metrics.accuracy * 100).toFixed(1)}%` : ''),
  );
  console.log(`wrote ${written.join(', ')}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof UsageError ? `${message}\n\n${USAGE}` : `eval failed: ${message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
