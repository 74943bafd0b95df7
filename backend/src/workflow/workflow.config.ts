import { z } from 'zod';
import { createTriagePolicy, DEFAULT_TAXONOMY, TaxonomySchema } from '@handoff/graphs';
import { csv, json, url, type Report } from '../config/env';
import { FollowUpPolicyMapSchema, unknownFollowUpKeys } from './follow-up-policy';

/** The graph's model and policy, how many runs a worker executes at once, and checkpoint retention. */
export const WorkflowConfig = {
  LLM_PROVIDER: z.enum(['local', 'openai']).optional(),
  OPENAI_BASE_URL: url(['http', 'https']).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(0).default(500),
  LLM_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(5),
  LLM_BREAKER_HALF_OPEN_MS: z.coerce.number().int().positive().default(30_000),
  LLM_OUTAGE_REVIEW_AFTER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
  LLM_MAX_CONCURRENCY: z.coerce.number().int().positive().default(8),
  AUTO_SEND_THRESHOLDS: json(z.record(z.string(), z.number().min(0).max(1))).default({}),
  DEFAULT_AUTO_SEND_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  ALWAYS_REVIEW_CATEGORIES: csv.default(['legal', 'security', 'complaint']),
  TAXONOMY: json(TaxonomySchema).default(DEFAULT_TAXONOMY),
  /**
   * What a customer's new message does to their conversation's open run, per category of the new message
   * (JSON; "default" for the rest): supersede (default) · queue · ignore. See workflow/follow-up-policy.ts.
   */
  FOLLOW_UP_POLICY: json(FollowUpPolicyMapSchema).default({}),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** Connections in a worker's LangGraph checkpointer pool. */
  CHECKPOINT_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  /** How long a worker's claim on a run lasts without renewal; a crashed worker's runs resume after it. */
  RUN_LEASE_MS: z.coerce.number().int().min(1_000).default(10_000),
  /** Checkpoints of runs that ended (sent, rejected, ignored, timed out) are deleted after this many hours. */
  CHECKPOINT_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .default(7 * 24),
  /** Failed runs can be replayed from their checkpoint, so theirs are kept longer. */
  FAILED_CHECKPOINT_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .default(30 * 24),
  RETENTION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 60_000),
};

type WorkflowEnv = z.output<ReturnType<typeof z.object<typeof WorkflowConfig>>>;

export function checkWorkflowConfig(env: WorkflowEnv, report: Report): void {
  if (env.LLM_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
    report(['OPENAI_API_KEY'], 'is required when LLM_PROVIDER=openai');
  }
  for (const key of unknownFollowUpKeys(
    env.FOLLOW_UP_POLICY,
    env.TAXONOMY.map((category) => category.key),
  )) {
    report(['FOLLOW_UP_POLICY'], `"${key}": not a taxonomy category (or "default")`);
  }
  // The policy checks that thresholds and always-review name categories of the taxonomy.
  try {
    createTriagePolicy({
      taxonomy: env.TAXONOMY,
      thresholds: env.AUTO_SEND_THRESHOLDS,
      defaultThreshold: env.DEFAULT_AUTO_SEND_THRESHOLD,
      alwaysReview: env.ALWAYS_REVIEW_CATEGORIES,
    });
  } catch (error) {
    const issues =
      error instanceof z.ZodError ? error.issues : [{ path: [] as PropertyKey[], message: (error as Error).message }];
    for (const issue of issues) {
      const [field, at] = issue.path;
      const setting = field === 'alwaysReview' ? 'ALWAYS_REVIEW_CATEGORIES' : 'AUTO_SEND_THRESHOLDS';
      // Name the offending category, not its position in the list.
      const value = field === 'alwaysReview' ? env.ALWAYS_REVIEW_CATEGORIES[Number(at)] : at;
      report([setting], `"${String(value)}": ${issue.message}`);
    }
  }
}
