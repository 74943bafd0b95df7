import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { QUEUES } from '../queue/jobs';
import type { RunStatus } from '../runs/workflow-run.entity';

/** How a run ended, as operators count it. */
export type RunOutcome = 'auto_sent' | 'reviewed_sent' | 'answered' | 'rejected' | 'ignored' | 'failed' | 'timed_out';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** Seconds buckets from 5 ms to 2 min: graph nodes and LLM calls. */
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds buckets from 1 min to 3 days: people deciding reviews. */
const HUMAN_BUCKETS = [60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600];

/** The three review gauges are collected together on a scrape: let them share one query. */
function shareInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => (inFlight ??= load().finally(() => (inFlight = undefined)));
}

/**
 * Every metric the service exports, in base units, labels kept to small fixed
 * sets (never a run, event or message id). Counters and histograms count what
 * this process did; queue and review gauges are read from Redis and Postgres
 * on each scrape, so any process (API or worker) reports the same truth.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly eventsReceived = new Counter({
    name: 'handoff_events_received_total',
    help: 'Inbound events by source and outcome (accepted, duplicate, ignored)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly llmCircuitState = new Gauge({
    name: 'handoff_llm_circuit_state',
    help: 'LLM circuit breaker: 0 closed, 1 half-open, 2 open (openai provider only)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly runsStarted = new Counter({
    name: 'handoff_runs_started_total',
    help: 'Workflow runs whose graph started executing',
    registers: [this.registry],
  });
  readonly runsFinished = new Counter({
    name: 'handoff_runs_finished_total',
    help: 'Workflow runs that reached a final status, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: 'handoff_step_duration_seconds',
    help: 'Duration of one graph node execution',
    labelNames: ['node'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });
  readonly llmRequests = new Counter({
    name: 'handoff_llm_requests_total',
    help: 'LLM requests by model, graph node and outcome (ok, error)',
    labelNames: ['model', 'node', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly llmDuration = new Histogram({
    name: 'handoff_llm_request_duration_seconds',
    help: 'Latency of LLM requests',
    labelNames: ['model'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });
  readonly llmTokens = new Counter({
    name: 'handoff_llm_tokens_total',
    help: 'LLM tokens by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });
  readonly reviewDecisionSeconds = new Histogram({
    name: 'handoff_review_decision_seconds',
    help: 'Time from a review being opened to its decision, by action',
    labelNames: ['action'] as const,
    buckets: HUMAN_BUCKETS,
    registers: [this.registry],
  });
  readonly reviewReminders = new Counter({
    name: 'handoff_review_reminders_total',
    help: 'Review reminders fired at their threshold before the due time',
    registers: [this.registry],
  });
  readonly reviewDeadlineActions = new Counter({
    name: 'handoff_review_deadline_actions_total',
    help: 'Default actions taken on reviews still pending at their due time, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'handoff_deliveries_total',
    help: 'Reply delivery attempts by channel and status (sent, retry, failed, uncertain)',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });
  readonly jobErrors = new Counter({
    name: 'handoff_job_errors_total',
    help: 'Queue jobs whose attempt threw, by queue and job name',
    labelNames: ['queue', 'job'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Histogram({
    name: 'handoff_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  constructor(
    dataSource: DataSource,
    @InjectQueue(QUEUES.workflow) workflow: Queue,
    @InjectQueue(QUEUES.delivery) delivery: Queue,
    @InjectQueue(QUEUES.slack) slack: Queue,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'handoff_' });
    new Gauge({
      name: 'handoff_queue_jobs',
      help: 'BullMQ jobs by queue and state (failed jobs are removed at once: Postgres keeps the failure)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const queue of [workflow, delivery, slack]) {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'handoff_dead_letters',
      help: 'Failed runs waiting for an operator (listed at GET /api/v1/dead-letters)',
      registers: [this.registry],
      async collect() {
        const [row] = await dataSource.query<{ count: string }[]>(
          `SELECT count(*) FROM workflow_runs WHERE status = 'failed'`,
        );
        this.set(Number(row?.count ?? 0));
      },
    });
    const reviewStats = shareInFlight(() =>
      dataSource.query<{ pending: string; overdue: string; oldest_age: number | null }[]>(
        `SELECT count(*) AS pending,
                count(*) FILTER (WHERE due_at < now()) AS overdue,
                extract(epoch FROM now() - min(created_at))::float8 AS oldest_age
           FROM review_tasks WHERE status = 'pending'`,
      ),
    );
    new Gauge({
      name: 'handoff_review_queue_depth',
      help: 'Reviews waiting for a person',
      registers: [this.registry],
      async collect() {
        this.set(Number((await reviewStats())[0]?.pending ?? 0));
      },
    });
    new Gauge({
      name: 'handoff_reviews_overdue',
      help: 'Pending reviews past their due time',
      registers: [this.registry],
      async collect() {
        this.set(Number((await reviewStats())[0]?.overdue ?? 0));
      },
    });
    new Gauge({
      name: 'handoff_review_oldest_pending_age_seconds',
      help: 'Age of the oldest pending review (0 when none)',
      registers: [this.registry],
      async collect() {
        this.set((await reviewStats())[0]?.oldest_age ?? 0);
      },
    });
  }

  /** The outcome a final run status counts as: a sent reply was either auto-sent or approved by a person. */
  static outcomeOf(status: RunStatus, approvedBy?: string | null): RunOutcome {
    if (status === 'sent') return approvedBy === 'auto' ? 'auto_sent' : 'reviewed_sent';
    return status as RunOutcome;
  }
}
