import { z } from 'zod';
import { ClassificationSchema } from './classification';
import { CitationSchema } from './knowledge';
import { ReviewReasonSchema } from './review';

/**
 * Which rule set the route step's threshold: `static` (AUTO_SEND_MODE=static: the configured thresholds),
 * `learned` (the category's calibrated threshold, or none when it has not earned auto-send) or `pinned`
 * (an admin's PUT /api/v1/calibration/:category).
 */
export const RoutingModeSchema = z.enum(['static', 'learned', 'pinned']);
export type RoutingMode = z.infer<typeof RoutingModeSchema>;

/** Why the route step sent a run out alone or to a person. */
export const RoutingSchema = z.object({
  decision: z.enum(['auto_send', 'review']),
  reasons: z.array(ReviewReasonSchema),
  /** The confidence the run needed; null when its category may not auto-send at all. */
  threshold: z.number().nullable(),
  mode: RoutingModeSchema,
  /** Drawn by audit sampling: it would have gone out alone and went to review instead. */
  auditSample: z.boolean(),
});
export type Routing = z.infer<typeof RoutingSchema>;

export const RunStatusSchema = z.enum([
  'queued',
  'running',
  'awaiting_review',
  'sending',
  /** A sender died after handing the reply over; listed at GET /api/v1/deliveries?status=uncertain until settled. */
  'delivery_uncertain',
  'sent',
  'answered',
  'rejected',
  'ignored',
  'failed',
  'timed_out',
  'superseded',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/**
 * pending → sending → sent; failed when the server refused it (or its approval no longer matched it);
 * uncertain when a sender stopped after handing the message over and before recording the answer (settled sent,
 * or back to pending, by the Sent folder or an operator); superseded when the customer wrote again before it went out.
 */
export const OutboundStatusSchema = z.enum(['pending', 'sending', 'sent', 'failed', 'uncertain', 'superseded']);
export type OutboundStatus = z.infer<typeof OutboundStatusSchema>;

/** GET /api/v1/runs/:id: a run with its message, what the graph made of it, its reply and its node steps. */
export const RunDetailsSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  status: RunStatusSchema,
  graph: z.object({ name: z.string(), version: z.number().int() }),
  /** The model that ran it; null until the first model call. */
  model: z.string().nullable(),
  message: z.object({
    from: z.string(),
    subject: z.string(),
    messageId: z.string().nullable(),
    receivedAt: z.string(),
    /** Why no workflow ran for it (a loop, an auto-reply…); null for a message that was worked on. */
    ignoredReason: z.string().nullable(),
  }),
  classification: ClassificationSchema.nullable(),
  draft: z.string().nullable(),
  confidence: z.number().nullable(),
  confidenceReasons: z.array(z.string()),
  reviewReasons: z.array(z.string()),
  /** The knowledge passages the draft cites; empty when nothing was retrieved or cited. */
  citations: z.array(CitationSchema),
  /** The route step's decision and why; null until the run reached it (or for runs from before it was recorded). */
  routing: RoutingSchema.nullable(),
  /** The offline model version that classified the run; null for the openai provider or before it classified. */
  modelVersion: z.number().int().nullable(),
  reviewId: z.string().nullable(),
  reply: z
    .object({
      id: z.string(),
      status: OutboundStatusSchema,
      messageId: z.string(),
      sentAt: z.string().nullable(),
      attempts: z.number().int(),
    })
    .nullable(),
  /** Graph nodes that finished, in the order they started. */
  steps: z.array(z.object({ node: z.string(), startedAt: z.string(), finishedAt: z.string(), durationMs: z.number() })),
  error: z.string().nullable(),
  failedStep: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RunDetails = z.infer<typeof RunDetailsSchema>;

export const TimelineLlmCallSchema = z.object({
  model: z.string(),
  startedAt: z.string(),
  latencyMs: z.number(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const TimelineStepSchema = z.object({
  /** A graph node, `review` (a person deciding) or `delivery` (sending the reply). */
  node: z.string(),
  startedAt: z.string(),
  /** null while it is still going on (a pending review, a reply not yet sent). */
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** completed · failed for graph nodes; the decision (or pending) for review; the outbound status for delivery. */
  outcome: z.string(),
  llmCalls: z.array(TimelineLlmCallSchema),
});
export type TimelineStep = z.infer<typeof TimelineStepSchema>;

/** GET /api/v1/runs/:id/timeline: the run's story from start to delivery, ordered by start time. */
export const RunTimelineSchema = z.object({
  runId: z.string(),
  status: RunStatusSchema,
  error: z.string().nullable(),
  steps: z.array(TimelineStepSchema),
});
export type RunTimeline = z.infer<typeof RunTimelineSchema>;
