import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { QUEUES } from '../queue/jobs';

/** Gauges read from tables other modules own; each owner supplies the reading with `supply`. */
const OWNED_GAUGES = {
  handoff_dead_letters: 'Failed runs waiting for an operator (listed at GET /api/v1/dead-letters)',
  handoff_deliveries_uncertain:
    'Replies whose sender stopped after handing them over, not yet settled (GET /api/v1/deliveries?status=uncertain)',
  handoff_review_queue_depth: 'Reviews waiting for a person',
  handoff_reviews_overdue: 'Pending reviews past their due time',
  handoff_review_oldest_pending_age_seconds: 'Age of the oldest pending review (0 when none)',
} as const;
export type OwnedGauge = keyof typeof OWNED_GAUGES;

/** Owned gauges with one series per category (the taxonomy: a small fixed set). */
const OWNED_CATEGORY_GAUGES = {
  handoff_autosend_precision_lower_bound:
    'One-sided 95% lower bound of the precision of what the learned gate lets out alone, by category',
  handoff_autosend_mode: 'What the route step does with a category: 1 auto-send allowed, 0 review (pins included)',
} as const;
export type OwnedCategoryGauge = keyof typeof OWNED_CATEGORY_GAUGES;

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** Seconds buckets from 5 ms to 2 min: graph nodes and LLM calls. */
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds buckets from 1 min to 3 days: people deciding reviews. */
const HUMAN_BUCKETS = [60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600];

/** Gauges collected together on a scrape share one load: the first starts it, the others wait for it. */
export function shareInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => (inFlight ??= load().finally(() => (inFlight = undefined)));
}

/**
 * Every metric the service exports, in base units, labels kept to small fixed
 * sets (never a run, event or message id). Counters and histograms count what
 * this process did; gauges are read from Redis and Postgres on each scrape, so
 * any process (API or worker) reports the same truth. Gauges over tables another
 * module owns are declared here and read through what that module supplies.
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
  readonly autosendModeChanges = new Counter({
    name: 'handoff_autosend_mode_changes_total',
    help: 'Categories whose auto-send mode changed, by category and cause (earned, demoted, pinned)',
    labelNames: ['category', 'cause'] as const,
    registers: [this.registry],
  });
  readonly modelPipelineFailures = new Counter({
    name: 'handoff_model_pipeline_failures_total',
    help: 'Retraining pipeline stages that failed after their last attempt, by stage',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly modelPipelineOutcomes = new Counter({
    name: 'handoff_model_pipeline_outcomes_total',
    help: 'Finished retraining pipelines by outcome (promoted, rejected, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly modelServing = new Gauge({
    name: 'handoff_model_serving_version',
    help: 'The offline model version this process classifies with',
    registers: [this.registry],
  });
  readonly auditSamples = new Counter({
    name: 'handoff_autosend_audit_samples_total',
    help: 'Runs that would have gone out alone and were sent to review as audit samples, by category',
    labelNames: ['category'] as const,
    registers: [this.registry],
  });
  readonly handOverWindow = new Histogram({
    name: 'handoff_delivery_hand_over_window_seconds',
    help: 'The uncertain window of one send: from the hand-over marker (before SMTP end-of-data) to the recorded sent',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly jobErrors = new Counter({
    name: 'handoff_job_errors_total',
    help: 'Queue jobs whose attempt threw, by queue and job name',
    labelNames: ['queue', 'job'] as const,
    registers: [this.registry],
  });
  readonly knowledgeHits = new Histogram({
    name: 'handoff_knowledge_retrieval_hits',
    help: 'Passages above the relevance floor handed to a draft, per retrieval (runs with a knowledge base)',
    buckets: [0, 1, 2, 3],
    registers: [this.registry],
  });
  readonly autoSends = new Counter({
    name: 'handoff_autosend_total',
    help: 'Replies sent without a person, by whether the draft cited a knowledge passage',
    labelNames: ['grounded'] as const,
    registers: [this.registry],
  });
  readonly knowledgeGrounding = new Counter({
    name: 'handoff_knowledge_grounding_total',
    help: 'Finished runs drafted with a knowledge base, by category and result (cited, no_supporting_article)',
    labelNames: ['category', 'result'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Histogram({
    name: 'handoff_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });

  private readonly readers = new Map<OwnedGauge, () => Promise<number>>();
  private readonly categoryReaders = new Map<OwnedCategoryGauge, () => Promise<Map<string, number>>>();

  constructor(
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
    const readers = this.readers;
    for (const [name, help] of Object.entries(OWNED_GAUGES) as [OwnedGauge, string][]) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const read = readers.get(name);
          if (read) this.set(await read());
        },
      });
    }
    const categoryReaders = this.categoryReaders;
    for (const [name, help] of Object.entries(OWNED_CATEGORY_GAUGES) as [OwnedCategoryGauge, string][]) {
      new Gauge({
        name,
        help,
        labelNames: ['category'] as const,
        registers: [this.registry],
        async collect() {
          const read = categoryReaders.get(name);
          if (!read) return;
          this.reset();
          for (const [category, value] of await read()) this.set({ category }, value);
        },
      });
    }
  }

  /** The owner of a per-category gauge's table says how to read it: a value per category. */
  supplyByCategory(gauge: OwnedCategoryGauge, read: () => Promise<Map<string, number>>): void {
    this.categoryReaders.set(gauge, read);
  }

  /** The owner of a gauge's table says how to read it. */
  supply(gauge: OwnedGauge, read: () => Promise<number>): void {
    this.readers.set(gauge, read);
  }
}
