import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TriagePolicy } from '../ports';
import type { EvalCase } from './dataset';
import { computeMetrics, replyOverlap, type Metrics } from './metrics';
import type { CaseResult } from './runner';
import { categoryChart, confusionChart, gateCurveChart, reliabilityDiagram } from './svg';
import type { TokenUsage } from './usage';

/** Prices in US dollars per million tokens, when the user gives them. */
export interface Prices {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface WrongAutoSend {
  /** Line of the evaluation file. */
  line: number;
  subject: string;
  excerpt: string;
  expected: string;
  predicted: string;
  confidence: number;
}

export interface ModelReport {
  model: string;
  durationMs: number;
  metrics: Metrics;
  wrongAutoSends: WrongAutoSend[];
  failures: { line: number; error: string }[];
  /** Mean word-level F1 between draft and expectedReply, over the cases that have one. */
  replyOverlap: { cases: number; mean: number } | null;
  usage: (TokenUsage & { costUsd: number | null }) | null;
  /** One row per message, in file order, without the message text. */
  cases: {
    line: number;
    expected: string;
    predicted: string;
    categoryConfidence: number;
    confidence: number;
    routing: string;
    reviewReasons: string[];
  }[];
}

export interface EvalReport {
  generatedAt: string;
  data: string;
  provider: string;
  policy: { category: string; threshold: number; alwaysReview: boolean }[];
  model: ModelReport;
  /** The model Handoff shipped before, run on the same set in the same run. */
  baseline: ModelReport | null;
}

const EXCERPT_CHARS = 160;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

export function modelReport(
  model: string,
  cases: EvalCase[],
  results: CaseResult[],
  policy: TriagePolicy,
  extra: { durationMs: number; usage: TokenUsage | null; prices: Prices | null },
): ModelReport {
  const withReply = results.filter((result) => cases[result.index]?.expectedReply !== undefined);
  const { usage, prices } = extra;
  return {
    model,
    durationMs: extra.durationMs,
    metrics: computeMetrics(results, policy),
    wrongAutoSends: results
      .filter((result) => result.routing === 'auto_send' && result.predicted !== result.expected)
      .map((result) => ({
        line: result.index + 1,
        subject: cases[result.index]?.subject ?? '',
        excerpt: excerpt(cases[result.index]?.text ?? ''),
        expected: result.expected,
        predicted: result.predicted,
        confidence: result.confidence,
      })),
    failures: results.flatMap((result) =>
      result.error === undefined ? [] : [{ line: result.index + 1, error: result.error }],
    ),
    replyOverlap:
      withReply.length === 0
        ? null
        : {
            cases: withReply.length,
            mean:
              withReply.reduce(
                (sum, result) => sum + replyOverlap(result.draft, cases[result.index]?.expectedReply ?? ''),
                0,
              ) / withReply.length,
          },
    usage: usage && {
      ...usage,
      costUsd: prices
        ? (usage.inputTokens * prices.inputPerMillion + usage.outputTokens * prices.outputPerMillion) / 1e6
        : null,
    },
    cases: results.map((result) => ({
      line: result.index + 1,
      expected: result.expected,
      predicted: result.predicted,
      categoryConfidence: result.categoryConfidence,
      confidence: result.confidence,
      routing: result.routing,
      reviewReasons: result.reviewReasons,
    })),
  };
}

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const num = (value: number) => value.toFixed(3);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[<>]/g, (char) => (char === '<' ? '&lt;' : '&gt;'));

function summaryRow(report: ModelReport): string {
  const { metrics, usage } = report;
  const tokens = usage ? `${usage.inputTokens + usage.outputTokens} (${usage.calls} calls)` : '—';
  const cost = usage?.costUsd == null ? '—' : `$${usage.costUsd.toFixed(4)}`;
  return (
    `| ${cell(report.model)} | ${pct(metrics.accuracy)} | ${num(metrics.macroF1)} | ${num(metrics.calibration.ece)} | ` +
    `${pct(metrics.autoSend.rate)} | ${pct(metrics.autoSend.precision)} | ${metrics.autoSend.wrong} | ${tokens} | ${cost} | ` +
    `${(report.durationMs / 1000).toFixed(1)} s |`
  );
}

export function renderMarkdown(report: EvalReport): string {
  const { model, baseline } = report;
  const { metrics } = model;
  const baselineF1 = new Map(baseline?.metrics.perCategory.map((score) => [score.category, score.f1]) ?? []);
  const curveRows = model.metrics.gateCurve.filter((point) =>
    [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99].some((threshold) => Math.abs(point.threshold - threshold) < 1e-9),
  );
  const lines = [
    '# Handoff evaluation report',
    '',
    `Data \`${cell(report.data)}\` · ${metrics.messages} messages · provider \`${report.provider}\` · ${report.generatedAt}`,
    '',
    'Every message ran through the triage graph the service uses (classify, draft, score, route) with an',
    'in-memory checkpointer; nothing was sent. "Auto-sent" means the configured policy would have sent the',
    'draft without review; "wrong" means it would have gone out under the wrong category.',
    '',
    '| Model | Accuracy | Macro-F1 | ECE | Auto-sent | Auto-send precision | Wrong auto-sends | Tokens | Cost | Time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    summaryRow(model),
    ...(baseline ? [summaryRow(baseline)] : []),
    '',
    ...(model.replyOverlap
      ? [
          `Reply overlap with \`expectedReply\` (word F1, ${model.replyOverlap.cases} messages): ${num(model.replyOverlap.mean)}`,
          '',
        ]
      : []),
    ...(model.failures.length > 0
      ? [
          `## Failed messages (${model.failures.length}, counted as wrong)`,
          '',
          ...model.failures.map((failure) => `- line ${failure.line}: ${cell(failure.error)}`),
          '',
        ]
      : []),
    '## Per category',
    '',
    `| Category | Support | Precision | Recall | F1 |${baseline ? ' F1 (baseline) |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: |${baseline ? ' ---: |' : ''}`,
    ...metrics.perCategory.map(
      (score) =>
        `| ${score.category} | ${score.support} | ${num(score.precision)} | ${num(score.recall)} | ${num(score.f1)} |` +
        (baseline ? ` ${num(baselineF1.get(score.category) ?? 0)} |` : ''),
    ),
    '',
    '![Per-category precision, recall and F1](per-category.svg)',
    '',
    '## Confusion matrix',
    '',
    '![Confusion matrix](confusion.svg)',
    '',
    '## Calibration',
    '',
    `Expected calibration error over ${metrics.calibration.bins.length} bins of the classifier's confidence: ` +
      `${num(metrics.calibration.ece)}.`,
    '',
    '![Reliability diagram](reliability.svg)',
    '',
    '## Auto-send gate',
    '',
    'One threshold for every category, swept over the confidence the route step compares; risk flags and',
    'always-review categories still send a message to review. The circle is the configured policy.',
    '',
    '| Threshold | Coverage | Precision | Auto-sent |',
    '| ---: | ---: | ---: | ---: |',
    ...curveRows.map(
      (point) => `| ${point.threshold.toFixed(2)} | ${pct(point.coverage)} | ${pct(point.precision)} | ${point.sent} |`,
    ),
    '',
    '![Coverage against precision](gate.svg)',
    '',
    `## Would-be-wrong auto-sends (${model.wrongAutoSends.length})`,
    '',
    ...(model.wrongAutoSends.length === 0
      ? ['None under the configured policy.']
      : [
          '| Line | Expected | Sent as | Confidence | Message |',
          '| ---: | --- | --- | ---: | --- |',
          ...model.wrongAutoSends.map(
            (wrong) =>
              `| ${wrong.line} | ${wrong.expected} | ${wrong.predicted} | ${num(wrong.confidence)} | ` +
              `${cell([wrong.subject, wrong.excerpt].filter(Boolean).join(' — '))} |`,
          ),
        ]),
    '',
  ];
  return lines.join('\n');
}

/** Writes report.json, report.md and the four SVG charts it shows. */
export function writeReport(dir: string, report: EvalReport): string[] {
  mkdirSync(dir, { recursive: true });
  const { metrics } = report.model;
  const files: [string, string][] = [
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
    ['report.md', renderMarkdown(report)],
    ['per-category.svg', categoryChart(metrics.perCategory)],
    ['confusion.svg', confusionChart(metrics.confusion.labels, metrics.confusion.matrix)],
    ['reliability.svg', reliabilityDiagram(metrics.calibration.bins, metrics.calibration.ece)],
    [
      'gate.svg',
      gateCurveChart(metrics.gateCurve, { coverage: metrics.autoSend.rate, precision: metrics.autoSend.precision }),
    ],
  ];
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
