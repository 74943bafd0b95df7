import type { Job } from 'bullmq';
import { z } from 'zod';

/** Queue names. Work only: every job can be rebuilt from Postgres. */
export const QUEUES = {
  workflow: 'workflow',
  delivery: 'delivery',
  slack: 'slack',
  digest: 'digest',
  models: 'models',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const uuid = z.uuid();
/** W3C trace context of the code that enqueued the job, so the worker continues its trace. */
const trace = z.object({ traceparent: z.string().max(128), tracestate: z.string().max(512).optional() }).optional();

/**
 * A crashed worker's job goes back to the queue within ~lockDuration and is
 * taken by another worker. Stalls are not failures (a run continues from its
 * checkpoint and the outbox cannot send twice), so many are allowed.
 */
export const WORKER_OPTIONS = { lockDuration: 5_000, stalledInterval: 2_500, maxStalledCount: 50 };

/**
 * Slack outages are retried for about an hour; jitter spreads a backlog out so
 * recovery does not hit Slack's rate limit at once. The sweeper re-enqueues after that.
 */
const SLACK_RETRY = { attempts: 12, backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 } };

/**
 * A digest that could not go out is retried for about 8 hours (30 s doubling, ten attempts); after that
 * its row stays failed until an admin re-sends it (POST /api/v1/digest/send).
 */
const DIGEST_RETRY = { attempts: 10, backoff: { type: 'exponential', delay: 30_000, jitter: 0.2 } };

/**
 * A retraining stage is retried with backoff (1 s, then 2 s) before the pipeline records it failed; the active
 * model keeps serving meanwhile.
 */
export const MODEL_STAGE_RETRY = { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } };

/** The id of the scheduled retrain's BullMQ job scheduler. */
export const MODEL_RETRAIN_SCHEDULER_ID = 'models-retrain';

/** The id of the daily digest's BullMQ job scheduler: one per Redis prefix, however many workers upsert it. */
export const DIGEST_SCHEDULER_ID = 'digest-daily';

/**
 * The typed job registry: each job has one queue, one payload schema and a
 * deterministic id, so enqueueing the same work twice is harmless.
 */
export const JOBS = {
  startRun: {
    queue: QUEUES.workflow,
    name: 'run.start',
    schema: z.object({ runId: uuid, trace }),
    jobId: (data: { runId: string }) => `start-${data.runId}`,
  },
  resumeRun: {
    queue: QUEUES.workflow,
    name: 'run.resume',
    schema: z.object({ runId: uuid, decisionId: uuid, trace }),
    jobId: (data: { decisionId: string }) => `resume-${data.decisionId}`,
  },
  deliverReply: {
    queue: QUEUES.delivery,
    name: 'reply.deliver',
    schema: z.object({ outboundId: uuid, trace }),
    jobId: (data: { outboundId: string }) => `deliver-${data.outboundId}`,
  },
  /** Posts (or refreshes, for a new redraft round) the Slack message of a pending review. */
  slackPostReview: {
    queue: QUEUES.slack,
    name: 'slack.post-review',
    schema: z.object({ reviewId: uuid, round: z.number().int().nonnegative(), trace }),
    jobId: (data: { reviewId: string; round: number }) => `slack-post-${data.reviewId}-${data.round}`,
    options: SLACK_RETRY,
  },
  /** Shows a review's decision on its Slack message and removes the buttons. */
  slackShowDecision: {
    queue: QUEUES.slack,
    name: 'slack.show-decision',
    schema: z.object({ reviewId: uuid, round: z.number().int().nonnegative(), trace }),
    jobId: (data: { reviewId: string; round: number }) => `slack-decision-${data.reviewId}-${data.round}`,
    options: SLACK_RETRY,
  },
  /** Posts the review's threaded reminder, once. */
  slackRemind: {
    queue: QUEUES.slack,
    name: 'slack.remind',
    schema: z.object({ reviewId: uuid, trace }),
    jobId: (data: { reviewId: string }) => `slack-remind-${data.reviewId}`,
    options: SLACK_RETRY,
  },
  /** Posts a past-due review to the escalation channel (or its thread), once. */
  slackEscalate: {
    queue: QUEUES.slack,
    name: 'slack.escalate',
    schema: z.object({ reviewId: uuid, trace }),
    jobId: (data: { reviewId: string }) => `slack-escalate-${data.reviewId}`,
    options: SLACK_RETRY,
  },
  /** Fired by the job scheduler (DIGEST_CRON in DIGEST_TIMEZONE): queues the send of the day before. */
  digestDaily: {
    queue: QUEUES.digest,
    name: 'digest.daily',
    schema: z.object({ trace }),
    jobId: () => DIGEST_SCHEDULER_ID,
  },
  /** Sends one day's digest unless its row says it went (or `resend`: again). */
  digestSend: {
    queue: QUEUES.digest,
    name: 'digest.send',
    schema: z.object({ date: z.iso.date(), resend: z.boolean(), trace }),
    jobId: (data: { date: string; resend: boolean }) => `digest-${data.date}${data.resend ? '-resend' : ''}`,
    options: DIGEST_RETRY,
  },
  /** Fired by the job scheduler (MODEL_RETRAIN_CRON): starts a pipeline if enough new labels arrived. */
  modelRetrainScheduled: {
    queue: QUEUES.models,
    name: 'models.scheduled',
    schema: z.object({ trace }),
    jobId: () => MODEL_RETRAIN_SCHEDULER_ID,
  },
  /** One stage of one version's retraining pipeline; each stage queues the next. */
  modelStage: {
    queue: QUEUES.models,
    name: 'models.stage',
    schema: z.object({
      version: z.number().int().positive(),
      stage: z.enum(['collect', 'train', 'evaluate', 'register', 'promote']),
      trace,
    }),
    jobId: (data: { version: number; stage: string }) => `model-${data.version}-${data.stage}`,
    options: MODEL_STAGE_RETRY,
  },
} as const;

export type JobDefinition = (typeof JOBS)[keyof typeof JOBS];
export type JobName = JobDefinition['name'];
export type JobPayload<J extends JobDefinition> = z.output<J['schema']>;

/** Whether this is the job's final attempt, after which the queue gives up on it. */
export function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
