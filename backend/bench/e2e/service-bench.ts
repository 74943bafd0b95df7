import { performance } from 'node:perf_hooks';
import type { MailCatcher } from '../../src/delivery/mail-catcher';
import type { BenchApi } from './api';
import { benchEmail, customerAddress, type EmailKind } from './emails';
import { OutOfTime, type RunControl } from './run-control';
import type { ServiceCluster } from './service';
import { inPool, summarise, type LatencySummary } from './stats';

/** POSTs in flight while pushing a phase's emails: enough to keep the workers' queue full. */
const PUSH_CONCURRENCY = 16;
const APPROVE_CONCURRENCY = 8;
/** With no new reply for this long, the reviewer also reads the queue page, in case the stream missed an event. */
const REVIEWER_FALLBACK_MS = 3_000;
const SMTP_POLL_MS = 20;

/**
 * When each reply reached the SMTP sink, by recipient. The MailCatcher keeps the
 * last 1,000 messages; polling it every 20 ms sees each before it is dropped.
 */
export class Deliveries {
  private readonly received = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly smtp: MailCatcher) {}

  start(): void {
    this.timer = setInterval(() => this.collect(), SMTP_POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes in what the catcher received since the last look. */
  collect(): void {
    for (const mail of this.smtp.list())
      for (const to of mail.envelopeTo) if (!this.received.has(to)) this.received.set(to, Date.parse(mail.receivedAt));
  }

  /** Epoch ms at which a reply to `address` arrived, if one did. */
  at(address: string): number | undefined {
    return this.received.get(address);
  }
}

/**
 * Plays the reviewer: listens to the review stream and approves every review that
 * opens, over the API, like a person clicking Approve in the queue.
 */
export class Reviewer {
  opened = 0;
  approved = 0;
  lastProgress = Date.now();
  private readonly seen = new Set<string>();
  private readonly waiting: string[] = [];
  private active = 0;
  private readonly stop = new AbortController();
  private failure?: Error;

  constructor(
    private readonly api: BenchApi,
    private readonly control: RunControl,
  ) {}

  /** Resolves once the stream is connected. */
  async start(): Promise<void> {
    const signal = AbortSignal.any([this.stop.signal, this.control.signal]);
    await new Promise<void>((connected, failed) => {
      this.api
        .streamReviews(
          (type, data) => {
            if (type === 'review.opened') this.take(data.reviewId);
          },
          connected,
          signal,
        )
        .catch((error: Error) => {
          failed(error);
          if (!signal.aborted) this.failure ??= new Error(`review stream failed: ${error.message}`);
        });
    });
  }

  private take(reviewId: string): void {
    if (this.seen.has(reviewId)) return;
    this.seen.add(reviewId);
    this.opened += 1;
    this.waiting.push(reviewId);
    this.drain();
  }

  private drain(): void {
    while (this.active < APPROVE_CONCURRENCY && this.waiting.length > 0) {
      const reviewId = this.waiting.shift()!;
      this.active += 1;
      this.api
        .approve(reviewId, this.control.signal)
        .then((approved) => {
          if (approved) this.approved += 1;
          this.lastProgress = Date.now();
        })
        .catch((error: Error) => {
          if (!this.control.signal.aborted) this.failure ??= error;
        })
        .finally(() => {
          this.active -= 1;
          this.drain();
        });
    }
  }

  /** Reads the pending queue when nothing has happened for a while (a missed stream event). */
  async sweepIfStalled(): Promise<void> {
    if (Date.now() - this.lastProgress < REVIEWER_FALLBACK_MS) return;
    this.lastProgress = Date.now();
    for (const reviewId of await this.api.pendingReviewIds(this.control.signal)) this.take(reviewId);
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  close(): void {
    this.stop.abort();
  }
}

export interface PhaseResult {
  kind: EmailKind;
  runs: number;
  /** Replies received; equals runs when the phase finished. */
  completed: number;
  finished: boolean;
  /** First POST to last reply at the SMTP sink. */
  seconds: number;
  runsPerSecond: number;
  /** Reviews the stream announced during the phase (auto-sent emails should open none). */
  reviewsOpened: number;
  ingestMs: number[];
  ingestToSmtpMs: number[];
}

export interface ServiceContext {
  cluster: ServiceCluster;
  api: BenchApi;
  deliveries: Deliveries;
  reviewer: Reviewer;
  control: RunControl;
  runTag: string;
  /** The next unused index per kind, so every email of the run has its own address. */
  nextIndex: Record<EmailKind, number>;
}

function take(context: ServiceContext, kind: EmailKind, count: number): number[] {
  const first = context.nextIndex[kind];
  context.nextIndex[kind] += count;
  return Array.from({ length: count }, (_, offset) => first + offset);
}

/** Waits until every address has its reply, keeping the reviewer and the processes in check. */
async function awaitReplies(context: ServiceContext, addresses: string[]): Promise<void> {
  const { deliveries, reviewer, cluster, control } = context;
  await control.until(async () => {
    cluster.throwIfCrashed();
    reviewer.throwIfFailed();
    deliveries.collect();
    if (addresses.every((address) => deliveries.at(address) !== undefined)) return true;
    await reviewer.sweepIfStalled();
    return false;
  });
}

/**
 * Pushes `count` emails of one kind as fast as the API takes them and waits for
 * every reply at the SMTP sink (reviewed ones after the reviewer approves them).
 */
export async function throughputPhase(context: ServiceContext, kind: EmailKind, count: number): Promise<PhaseResult> {
  const { api, deliveries, reviewer, control, runTag } = context;
  const indexes = take(context, kind, count);
  const addresses = indexes.map((index) => customerAddress(runTag, kind, index));
  const postedAt = new Map<string, number>();
  const ingestMs: number[] = [];
  const openedBefore = reviewer.opened;
  const started = Date.now();
  let finished = true;
  try {
    await inPool(indexes, PUSH_CONCURRENCY, async (index) => {
      const email = benchEmail(runTag, kind, index);
      postedAt.set(email.from.address, Date.now());
      ingestMs.push((await api.ingest(email, control.signal)).ms);
    });
    await awaitReplies(context, addresses);
  } catch (error) {
    if (!(error instanceof OutOfTime) && !control.signal.aborted) throw error;
    finished = false;
  }
  const arrivals = addresses.map((address) => deliveries.at(address)).filter((at) => at !== undefined);
  const ended = finished ? Math.max(...arrivals) : Date.now();
  const seconds = (ended - started) / 1_000;
  return {
    kind,
    runs: count,
    completed: arrivals.length,
    finished,
    seconds,
    runsPerSecond: arrivals.length / seconds,
    reviewsOpened: reviewer.opened - openedBefore,
    ingestMs,
    ingestToSmtpMs: addresses.flatMap((address) => {
      const sent = postedAt.get(address);
      const received = deliveries.at(address);
      return sent !== undefined && received !== undefined ? [received - sent] : [];
    }),
  };
}

/** Ingest→SMTP on an idle service: one auto-sent email at a time, each after the previous reply arrived. */
export async function idleLatency(context: ServiceContext, samples: number): Promise<number[]> {
  const latencies: number[] = [];
  for (const index of take(context, 'auto', samples)) {
    const email = benchEmail(context.runTag, 'auto', index);
    const sent = Date.now();
    await context.api.ingest(email, context.control.signal);
    await awaitReplies(context, [email.from.address]);
    latencies.push(context.deliveries.at(email.from.address)! - sent);
  }
  return latencies;
}

export interface ProbeFigures {
  health: LatencySummary & { failures: number };
  queuePage: LatencySummary & { failures: number };
}

const PROBE_INTERVAL_MS = 200;
/** A probe that takes longer than this counts as a failure (the issue asks for answers within 1 s). */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * The "never freezes" check: GET /health/ready and the queue page every 200 ms
 * while the run goes on, each on its own loop so a slow answer delays only itself.
 */
export function startProbes(api: BenchApi): { stop(): Promise<ProbeFigures> } {
  let running = true;
  const loop = async (path: string) => {
    const latencies: number[] = [];
    let failures = 0;
    while (running) {
      const started = performance.now();
      const { ok, ms } = await api.probe(path, PROBE_TIMEOUT_MS);
      latencies.push(ms);
      if (!ok) failures += 1;
      const wait = PROBE_INTERVAL_MS - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return { ...summarise(latencies), failures };
  };
  const health = loop('/health/ready');
  const queuePage = loop('/api/v1/reviews?status=pending&limit=50');
  return {
    async stop() {
      running = false;
      return { health: await health, queuePage: await queuePage };
    },
  };
}

/** Fires POSTs at a fixed rate (open loop: a slow answer does not slow the sender) and records each round trip; `seconds` is the sending time. */
export async function ingestAtRate(
  context: ServiceContext,
  rate: number,
  durationSeconds: number,
): Promise<{ sent: number; failures: Record<string, number>; seconds: number; latencies: number[] }> {
  const total = rate * durationSeconds;
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  /** Failed requests by what went wrong (status and the start of the answer, or the network error). */
  const failures: Record<string, number> = {};
  const indexes = take(context, 'auto', total);
  const started = performance.now();
  let sent = 0;
  // At the time bound the loop stops and requests still open are aborted: they count as failures.
  while (sent < total && !context.control.signal.aborted) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * rate) + 1);
    for (; sent < due; sent += 1) {
      const request = context.api
        .ingest(benchEmail(context.runTag, 'auto', indexes[sent]!), context.control.signal)
        .then(
          ({ ms }) => void latencies.push(ms),
          (error: Error) => {
            const reason = error.message.slice(0, 80);
            failures[reason] = (failures[reason] ?? 0) + 1;
          },
        );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seconds = (performance.now() - started) / 1_000;
  await Promise.all(inFlight);
  return { sent, failures, seconds, latencies };
}
