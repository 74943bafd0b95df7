import type { BaselinePhase } from './baseline';
import type { BenchOptions } from './options';
import type { DatabaseReading } from './postgres';
import { perRun } from './postgres';
import type { PhaseResult, ProbeFigures } from './service-bench';
import type { ModelUsage } from './slow-model';
import { round, summarise, type LatencySummary } from './stats';

export interface PhaseFigures {
  runs: number;
  /** Emails the API accepted. */
  ingested: number;
  /** Replies at the SMTP sink. */
  completed: number;
  finished: boolean;
  seconds: number | null;
  runsPerSecond: number | null;
  commitsPerRun: number | null;
  checkpointBytesPerRun: number | null;
  /** Reviews opened during the phase: 0 for the auto-sent phase, one per run for the reviewed one. */
  reviewsOpened: number;
}

export interface ServiceFigures {
  runsPerSecond: number | null;
  commitsPerRun: number | null;
  checkpointBytesPerRun: number | null;
  phases: { auto: PhaseFigures; review: PhaseFigures | null };
  ingestMs: LatencySummary;
  ingestToSmtpMs: { idle: LatencySummary; underLoad: LatencySummary };
  /** Only when an LLM is used (slow-llm mode); the local model makes no LLM calls. */
  llm: {
    callsPerEmail: number | null;
    promptTokensPerEmail: number | null;
    /** Of the prompt tokens, those in the static prefix (the system prompt) a provider that caches prefixes reuses. */
    staticPromptTokensPerEmail: number | null;
    completionTokensPerEmail: number | null;
    tokensPerEmail: number | null;
  } | null;
  probes: ProbeFigures | null;
}

export interface BaselineFigures {
  runsPerSecond: number | null;
  commitsPerRun: number | null;
  checkpointBytesPerRun: number | null;
  phases: { auto: BaselinePhase; review: BaselinePhase };
}

export interface IngestLoadFigures {
  rate: number;
  sent: number;
  failures: number;
  failureReasons: Record<string, number>;
  seconds: number | null;
  achievedRate: number | null;
  latencyMs: LatencySummary;
}

export interface BenchReport {
  mode: BenchOptions['mode'];
  settings: Record<string, number>;
  machine: { cpus: number; loadAverage1m: number | null; node: string };
  /** What the run created and removed again. */
  resources: { databases: string[]; redisPrefix: string | null };
  /** null when everything finished; otherwise what ran out of time or failed. */
  didNotFinish: string | null;
  /** Things that make a figure mean less than it says, e.g. an email that did not go the way it was crafted to. */
  warnings: string[];
  service: ServiceFigures | null;
  baseline: BaselineFigures | null;
  /** Service runs/s divided by the bare engine's, measured in the same run. */
  ratio: number | null;
  ingestLoad: IngestLoadFigures | null;
}

const perSecond = (runs: number, seconds: number) => round(runs / seconds);

export function phaseFigures(phase: PhaseResult, before?: DatabaseReading, after?: DatabaseReading): PhaseFigures {
  const costs = before && after ? perRun(before, after, phase.runs) : undefined;
  return {
    runs: phase.runs,
    ingested: phase.ingestMs.length,
    completed: phase.completed,
    finished: phase.finished,
    seconds: round(phase.seconds),
    runsPerSecond: round(phase.runsPerSecond),
    commitsPerRun: round(costs?.commitsPerRun ?? null),
    checkpointBytesPerRun: round(costs?.checkpointBytesPerRun ?? null, 0),
    reviewsOpened: phase.reviewsOpened,
  };
}

/** Both phases together: runs over time, and costs weighted by runs. */
export function combined(
  phases: {
    runs: number;
    seconds: number | null;
    commitsPerRun: number | null;
    checkpointBytesPerRun: number | null;
  }[],
) {
  const runs = phases.reduce((sum, phase) => sum + phase.runs, 0);
  const total = (pick: (phase: (typeof phases)[number]) => number | null) =>
    phases.every((phase) => pick(phase) !== null)
      ? phases.reduce((sum, phase) => sum + pick(phase)! * phase.runs, 0)
      : null;
  const seconds = phases.every((phase) => phase.seconds !== null)
    ? phases.reduce((sum, p) => sum + p.seconds!, 0)
    : null;
  const commits = total((phase) => phase.commitsPerRun);
  const bytes = total((phase) => phase.checkpointBytesPerRun);
  return {
    runsPerSecond: seconds === null ? null : perSecond(runs, seconds),
    commitsPerRun: commits === null ? null : round(commits / runs),
    checkpointBytesPerRun: bytes === null ? null : round(bytes / runs, 0),
  };
}

export function llmFigures(usage: ModelUsage, emails: number): ServiceFigures['llm'] {
  const per = (value: number) => (emails > 0 ? round(value / emails) : null);
  return {
    callsPerEmail: per(usage.calls),
    promptTokensPerEmail: per(usage.promptTokens),
    staticPromptTokensPerEmail: per(usage.staticPromptTokens),
    completionTokensPerEmail: per(usage.completionTokens),
    tokensPerEmail: per(usage.promptTokens + usage.completionTokens),
  };
}

export { summarise };

const show = (value: number | null | undefined, unit = '') =>
  value === null || value === undefined ? '—' : `${value}${unit}`;

/** The figures as Markdown tables, ready for the README. */
export function renderTables(report: BenchReport): string {
  const lines: string[] = [];
  const settings = Object.entries(report.settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  lines.push(`Handoff end-to-end benchmark, mode ${report.mode} (${settings})`);
  lines.push(
    `machine: ${report.machine.cpus} CPUs, load ${show(report.machine.loadAverage1m)} at start, Node ${report.machine.node}`,
  );
  if (report.didNotFinish) lines.push(`DID NOT FINISH: ${report.didNotFinish}`);
  for (const warning of report.warnings) lines.push(`WARNING: ${warning}`);
  const { service, baseline } = report;
  if (service || baseline) {
    lines.push('', '| Figure | Handoff | Bare engine |', '|---|---:|---:|');
    const row = (name: string, ours: unknown, theirs: unknown) => lines.push(`| ${name} | ${ours} | ${theirs} |`);
    row('runs/s (all)', show(service?.runsPerSecond), show(baseline?.runsPerSecond));
    row(
      'runs/s (auto-sent only)',
      show(service?.phases.auto.runsPerSecond),
      show(round(baseline?.phases.auto.runsPerSecond ?? null)),
    );
    row(
      'runs/s (reviewed only)',
      show(service?.phases.review?.runsPerSecond),
      show(round(baseline?.phases.review.runsPerSecond ?? null)),
    );
    row('PostgreSQL commits per run', show(service?.commitsPerRun), show(baseline?.commitsPerRun));
    row(
      '… per auto-sent run',
      show(service?.phases.auto.commitsPerRun),
      show(round(baseline?.phases.auto.commitsPerRun ?? null)),
    );
    row(
      '… per reviewed run',
      show(service?.phases.review?.commitsPerRun),
      show(round(baseline?.phases.review.commitsPerRun ?? null)),
    );
    row('checkpoint bytes per run', show(service?.checkpointBytesPerRun), show(baseline?.checkpointBytesPerRun));
    row(
      '… per auto-sent run',
      show(service?.phases.auto.checkpointBytesPerRun),
      show(round(baseline?.phases.auto.checkpointBytesPerRun ?? null, 0)),
    );
    row(
      '… per reviewed run',
      show(service?.phases.review?.checkpointBytesPerRun),
      show(round(baseline?.phases.review.checkpointBytesPerRun ?? null, 0)),
    );
    lines.push('', `ratio (Handoff runs/s ÷ bare engine runs/s): ${show(report.ratio, '×')}`);
  }
  if (service) {
    const latency = (name: string, summary: LatencySummary, tail: 'p95' | 'p99') =>
      lines.push(
        `| ${name} | ${summary.count} | ${show(summary.p50, ' ms')} | ${show(summary[tail], ` ms (${tail})`)} | ${show(summary.max, ' ms')} |`,
      );
    lines.push('', '| Latency | samples | p50 | tail | max |', '|---|---:|---:|---:|---:|');
    latency('ingest: POST /api/v1/events/email round trip (under load)', service.ingestMs, 'p99');
    latency('ingest → SMTP, auto-sent, idle service', service.ingestToSmtpMs.idle, 'p95');
    latency('ingest → SMTP, auto-sent, under load', service.ingestToSmtpMs.underLoad, 'p95');
    if (service.probes) {
      latency(
        `GET /health/ready every 200 ms (${service.probes.health.failures} failed)`,
        service.probes.health,
        'p99',
      );
      latency(`queue page every 200 ms (${service.probes.queuePage.failures} failed)`, service.probes.queuePage, 'p99');
    }
    lines.push(
      '',
      service.llm
        ? `LLM per email: ${show(service.llm.callsPerEmail)} calls, ${show(service.llm.tokensPerEmail)} tokens (${show(service.llm.promptTokensPerEmail)} prompt, ${show(service.llm.staticPromptTokensPerEmail)} of them the static prefix a provider can cache, + ${show(service.llm.completionTokensPerEmail)} completion, 4 characters a token)`
        : 'LLM per email: none (the offline local model makes no LLM calls)',
    );
    lines.push(
      `reviews opened: ${service.phases.auto.reviewsOpened} in the auto-sent phase (expected 0), ${show(service.phases.review?.reviewsOpened)} in the reviewed phase (expected ${show(service.phases.review?.runs)})`,
    );
  }
  if (report.ingestLoad) {
    const load = report.ingestLoad;
    lines.push(
      '',
      `ingest load: ${load.sent} POSTs at ${load.rate}/s (achieved ${show(load.achievedRate)}/s), ${load.failures} failed`,
      ...Object.entries(load.failureReasons).map(([reason, count]) => `  ${count} × ${reason}`),
      `round trip: p50 ${show(load.latencyMs.p50, ' ms')}, p99 ${show(load.latencyMs.p99, ' ms')}, max ${show(load.latencyMs.max, ' ms')}`,
    );
  }
  return lines.join('\n');
}
