import { z } from 'zod';
import { AttachmentMetaSchema, EmailAddressSchema, ThreadEntrySchema } from './message';
import { DecisionActionSchema, DecisionSurfaceSchema, ReviewRequestSchema } from './review';

/**
 * The HTTP contract between the backend and the review UI. The backend
 * validates what it receives with these schemas and its tests parse what it
 * sends with them; the UI types its client from them. All timestamps are ISO 8601 strings.
 */

export const RoleSchema = z.enum(['reviewer', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const ReviewerSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  /** The linked Slack user id, or null when Slack users are matched by email. */
  slackUserId: z.string().nullable(),
  createdAt: z.string(),
});
export type Reviewer = z.infer<typeof ReviewerSchema>;

/** PUT /api/v1/reviewers/:id/slack-user: link a Slack user (U…/W…) to a reviewer, or null to unlink. */
export const LinkSlackUserInputSchema = z.object({
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{6,}$/, 'must be a Slack user id such as U0123456789')
    .nullable(),
});
export type LinkSlackUserInput = z.infer<typeof LinkSlackUserInputSchema>;

/** POST /api/v1/auth/login and GET /api/v1/auth/me → the signed-in reviewer (me: 401 when signed out). */
export const SessionResponseSchema = z.object({ reviewer: ReviewerSchema });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;
/** GET /api/v1/reviewers (admin) → every account, oldest first. POST and PATCH answer with one ReviewerSchema. */
export const ReviewerListSchema = z.object({ items: z.array(ReviewerSchema) });

/**
 * POST /api/v1/auth/login → 200 { reviewer } and an httpOnly session cookie; 401 on bad credentials;
 * 429 with Retry-After while the account or the client address is locked after too many failures.
 */
export const LoginInputSchema = z.object({
  email: z.string().trim().toLowerCase().max(320).email(),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginInputSchema>;
/** A password being set: the same rule whether an account is created, changes or is reset. */
const NewPasswordSchema = z.string().min(12).max(200);
/** POST /api/v1/reviewers (admin) */
export const CreateReviewerInputSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  password: NewPasswordSchema,
  role: RoleSchema.default('reviewer'),
});
export type CreateReviewerInput = z.infer<typeof CreateReviewerInputSchema>;
/**
 * POST /api/v1/auth/password (signed in) → 204; the reviewer's other sessions end. 403 when the current
 * password is wrong, 429 while locked (wrong current passwords count like failed sign-ins).
 */
export const ChangePasswordInputSchema = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: NewPasswordSchema })
  .refine((input) => input.newPassword !== input.currentPassword, {
    message: 'must differ from the current password',
    path: ['newPassword'],
  });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInputSchema>;
/** POST /api/v1/reviewers/:id/password (admin) → 204; every session of that reviewer ends. */
export const ResetPasswordInputSchema = z.object({ password: NewPasswordSchema });
export type ResetPasswordInput = z.infer<typeof ResetPasswordInputSchema>;
/** PATCH /api/v1/reviewers/:id (admin) */
export const UpdateReviewerInputSchema = z.object({ disabled: z.boolean().optional(), role: RoleSchema.optional() });
export type UpdateReviewerInput = z.infer<typeof UpdateReviewerInputSchema>;

/**
 * due: by due time · age: by creation time · confidence: by model confidence.
 * `asc` puts the earliest due, the oldest and the least confident first.
 */
export const QueueSortSchema = z.enum(['due', 'age', 'confidence']);

/**
 * What happens to a still-pending review at its deadline: `escalate` flags it for the admin queue
 * (it stays pending), `holding_reply` sends the configured holding reply once (it stays pending),
 * `close` closes it as timed out (final; nothing is sent).
 */
export const DeadlineActionSchema = z.enum(['escalate', 'holding_reply', 'close']);
export type DeadlineAction = z.infer<typeof DeadlineActionSchema>;

/**
 * pending · redrafting · decided by a person · timed_out: closed by its deadline's `close` action ·
 * superseded: closed because the customer wrote again (a newer run answers the whole conversation).
 */
export const ReviewStatusSchema = z.enum(['pending', 'redrafting', 'decided', 'timed_out', 'superseded']);

/** GET /api/v1/reviews query. Default: status=pending, sort=due, order=asc (oldest-due first). */
export const QueueQuerySchema = z.object({
  status: ReviewStatusSchema.default('pending'),
  sort: QueueSortSchema.default('due'),
  order: z.enum(['asc', 'desc']).default('asc'),
  category: z.string().max(64).optional(),
  channel: z.string().max(32).optional(),
  /** A reviewer id, or "unassigned". */
  assignee: z.string().max(64).optional(),
  /** Free text over subject and sender. */
  q: z.string().trim().max(200).optional(),
  /** "true": only reviews escalated by their deadline (the admin queue); "false": only the others. */
  escalated: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

/** Who holds a review. Claims expire at `until`; an expired claim is reported as null. */
export const ClaimSchema = z.object({
  reviewerId: z.string(),
  reviewerName: z.string(),
  until: z.string(),
});
export type Claim = z.infer<typeof ClaimSchema>;

/** POST/DELETE /api/v1/reviews/:id/claim and POST /api/v1/reviews/:id/assign → the claim now in force. 409 when someone else holds it. */
export const ClaimResponseSchema = z.object({ claim: ClaimSchema.nullable() });
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;
/** POST /api/v1/reviews/:id/assign (admin): give the claim to this reviewer. */
export const AssignInputSchema = z.object({ reviewerId: z.uuid() });
export type AssignInput = z.infer<typeof AssignInputSchema>;

export const QueueItemSchema = z.object({
  id: z.string(),
  runId: z.string(),
  status: ReviewStatusSchema,
  round: z.number().int(),
  from: z.string(),
  subject: z.string(),
  category: z.string(),
  channel: z.string(),
  confidence: z.number(),
  createdAt: z.string(),
  dueAt: z.string().nullable(),
  /** Set when the deadline's `escalate` action moved the review to the admin queue. */
  escalatedAt: z.string().nullable(),
  claim: ClaimSchema.nullable(),
  /** An audit sample: it would have gone out alone (see AUTO_SEND_AUDIT_RATE). */
  auditSample: z.boolean(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

export const QueuePageSchema = z.object({
  items: z.array(QueueItemSchema),
  nextCursor: z.string().nullable(),
  /**
   * Counts for the current filter (ignoring the cursor): the total, and per category, channel and assignee,
   * each computed under the other filters (so every choice of that facet shows what it would give).
   * `byAssignee` has "unassigned" and the id of each reviewer holding a live claim.
   */
  counts: z.object({
    total: z.number().int(),
    byCategory: z.record(z.string(), z.number().int()),
    byChannel: z.record(z.string(), z.number().int()),
    byAssignee: z.record(z.string(), z.number().int()),
  }),
});
export type QueuePage = z.infer<typeof QueuePageSchema>;

export const DecisionRecordSchema = z.object({
  id: z.string(),
  round: z.number().int(),
  actor: z.string(),
  surface: DecisionSurfaceSchema,
  action: DecisionActionSchema,
  draftText: z.string(),
  finalText: z.string().nullable(),
  diff: z.string().nullable(),
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  /** For recategorise: the category the reviewer named. */
  category: z.string().nullable(),
  decidedAt: z.string(),
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/**
 * The customer wrote again while a run of the conversation was open. `superseded`: this review was closed by
 * the newer message (`message`), which run `runId` answers, with the whole thread · `supersedes`: this run
 * answers a newer message (`message`, the review's own) and closed the earlier run `runId` and its review.
 */
export const FollowUpSchema = z.object({
  kind: z.enum(['superseded', 'supersedes']),
  runId: z.string(),
  reviewId: z.string().nullable(),
  message: z.object({ from: z.string(), receivedAt: z.string(), text: z.string() }),
});
export type FollowUp = z.infer<typeof FollowUpSchema>;

/** GET /api/v1/reviews/:id */
export const ReviewDetailSchema = z.object({
  id: z.string(),
  runId: z.string(),
  status: ReviewStatusSchema,
  round: z.number().int(),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  claim: ClaimSchema.nullable(),
  request: ReviewRequestSchema,
  message: z.object({
    from: z.object({ address: z.string(), name: z.string().nullable() }),
    to: z.array(EmailAddressSchema),
    cc: z.array(EmailAddressSchema),
    subject: z.string(),
    text: z.string(),
    /** The email's HTML exactly as received: untrusted; sanitise before any browser renders it. */
    untrustedHtml: z.string().nullable(),
    /**
     * The same HTML after the server's allow-list sanitiser (no scripts, styles, event handlers, forms,
     * frames or remote images; links keep only http(s)/mailto). Defence in depth: still sanitise it.
     */
    sanitizedHtml: z.string().nullable(),
    messageId: z.string().nullable(),
    receivedAt: z.string(),
    attachments: z.array(AttachmentMetaSchema),
    thread: z.array(ThreadEntrySchema),
  }),
  decisions: z.array(DecisionRecordSchema),
  reply: z
    .object({ status: z.string(), messageId: z.string(), sentAt: z.string().nullable(), body: z.string() })
    .nullable(),
  /** "Customer wrote again"; null when the conversation had no follow-up while this run was open. */
  followUp: FollowUpSchema.nullable(),
});
export type ReviewDetail = z.infer<typeof ReviewDetailSchema>;

/**
 * Server-sent events on GET /api/v1/reviews/stream: `event: <type>`, `data: <JSON>`.
 * `review.reminder`: the review reached its reminder threshold (review_tasks.reminded_at is set).
 * `review.overdue`: its deadline passed and `deadlineAction` was taken (review_tasks.deadline_action_taken_at;
 * escalated_at too for `escalate`). Each is published once, in the transaction that records it.
 */
export const ReviewStreamEventSchema = z.object({
  type: z.enum([
    'review.opened',
    'review.decided',
    'review.claimed',
    'review.released',
    'review.reminder',
    'review.overdue',
    'review.superseded',
  ]),
  reviewId: z.string(),
  at: z.string(),
  deadlineAction: DeadlineActionSchema.optional(),
});
export type ReviewStreamEvent = z.infer<typeof ReviewStreamEventSchema>;

/** GET /api/v1/history?limit=&cursor=: decisions, newest first, keyset-paginated. */
export const HistoryItemSchema = z.object({
  reviewId: z.string(),
  runId: z.string(),
  subject: z.string(),
  from: z.string(),
  category: z.string(),
  decision: DecisionRecordSchema,
  reply: z.object({ status: z.string(), sentAt: z.string().nullable(), body: z.string() }).nullable(),
});
export const HistoryPageSchema = z.object({ items: z.array(HistoryItemSchema), nextCursor: z.string().nullable() });

/** GET /api/v1/reviews/:id/audit → AuditTrailSchema: the review's, run's, event's and reply's entries, oldest first. */
export const AuditEntrySchema = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export const AuditTrailSchema = z.object({ items: z.array(AuditEntrySchema) });

/**
 * GET /api/v1/stats/overview?from=&to= (ISO dates; default the last 30 days). Runs created in [from, to),
 * per category and "all"; the daily digest reports exactly these numbers for its day.
 */
export const OverviewRowSchema = z.object({
  /** A taxonomy category, or "all". */
  category: z.string(),
  /** Runs that were not ignored. */
  volume: z.number().int(),
  autoSendRate: z.number(),
  approvalWithoutEditRate: z.number(),
  editRate: z.number(),
  medianTimeToDecisionMs: z.number().nullable(),
  /** Replies the gate sent without a review. */
  autoSent: z.number().int(),
  /** Reviews whose final decision was approve (unedited), edit, or reject. */
  approvedUnedited: z.number().int(),
  edited: z.number().int(),
  rejected: z.number().int(),
  /** Reviews decided after their deadline, or still undecided past it. */
  pastDue: z.number().int(),
  /** Replies refused for good, and replies whose sender died mid-send (an operator must settle them). */
  deliveriesFailed: z.number().int(),
  deliveriesUncertain: z.number().int(),
  llmPromptTokens: z.number().int(),
  llmCompletionTokens: z.number().int(),
  /** From LLM_PRICE_INPUT_PER_MTOK and LLM_PRICE_OUTPUT_PER_MTOK; null when neither is set. */
  llmCostUsd: z.number().nullable(),
});
export const OverviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(OverviewRowSchema),
  /** The review waiting longest now among those opened before `to`; null when none is waiting. */
  oldestWaitingReview: z
    .object({ reviewId: z.string(), category: z.string(), openedAt: z.string(), dueAt: z.string() })
    .nullable(),
  /** Audit entries of the learned gate's mode changes in the period (calibration.*), oldest first. */
  gateChanges: z.array(
    z.object({ at: z.string(), actor: z.string(), action: z.string(), data: z.record(z.string(), z.unknown()) }),
  ),
});
export type OverviewRow = z.infer<typeof OverviewRowSchema>;
export type Overview = z.infer<typeof OverviewSchema>;

/**
 * GET /api/v1/stats/timeseries?from=&to=&bucket=day (ISO dates; default the last 30 days; at most 366 days).
 * The overview's "all" figures per UTC day of [from, to): one point per day, days without runs included, the
 * first and last clipped to the period; each point equals GET /api/v1/stats/overview for its [start, end).
 */
export const TimeseriesQuerySchema = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  bucket: z.literal('day').default('day'),
});
export const TimeseriesPointSchema = z.object({
  start: z.string(),
  end: z.string(),
  /** Runs that were not ignored, created in [start, end). */
  volume: z.number().int(),
  autoSent: z.number().int(),
  /** autoSent over volume (0 when there is no volume). */
  autoSendRate: z.number(),
  /** Reviews of those runs with a final decision (approve, edit or reject). */
  decided: z.number().int(),
  approvedUnedited: z.number().int(),
  /** approvedUnedited over decided (0 when nothing was decided). */
  approvalWithoutEditRate: z.number(),
  /** Median from review opened to final decision; null when nothing was decided. */
  medianTimeToDecisionMs: z.number().nullable(),
});
export const TimeseriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.literal('day'),
  points: z.array(TimeseriesPointSchema),
});
export type TimeseriesPoint = z.infer<typeof TimeseriesPointSchema>;
export type Timeseries = z.infer<typeof TimeseriesSchema>;

/** POST /api/v1/digest/send?date=YYYY-MM-DD (admin) → 202 DigestSchema: the day's digest row, its send queued. */
export const DigestSendQuerySchema = z.object({
  date: z.iso.date({ message: 'date must be YYYY-MM-DD' }),
});
export const DigestSchema = z.object({
  date: z.string(),
  status: z.enum(['pending', 'sending', 'sent', 'skipped', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  note: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export type Digest = z.infer<typeof DigestSchema>;
