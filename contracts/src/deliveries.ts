import { z } from 'zod';

/** GET /api/v1/deliveries query: the operator queue of uncertain replies, newest hand-over first. */
export const DeliveryQuerySchema = z.object({
  status: z.enum(['uncertain']).default('uncertain'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The previous page's `nextBefore`. */
  before: z.iso.datetime({ offset: true }).optional(),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuerySchema>;

export const DeliveryChannelSchema = z.enum(['email', 'callback', 'slack']);

/**
 * A reply whose sender stopped after handing it over and before recording the answer, so nobody
 * knows whether the customer has it. Its run stays `delivery_uncertain` until an operator resolves it.
 */
export const UncertainDeliverySchema = z.object({
  id: z.string(),
  runId: z.string(),
  kind: z.enum(['reply', 'holding']),
  channel: DeliveryChannelSchema,
  /** The customer's address for email; the Slack channel or the callback URL otherwise. */
  recipient: z.string(),
  subject: z.string(),
  /** Our deterministic id: the email Message-ID (search the customer's or the Sent mailbox for it). */
  messageId: z.string(),
  attempts: z.number().int(),
  /** When the sender handed the reply over (the moment its fate became unknown). */
  handedOverAt: z.string().nullable(),
  createdAt: z.string(),
  reason: z.string().nullable(),
});
export type UncertainDelivery = z.infer<typeof UncertainDeliverySchema>;

export const UncertainDeliveryPageSchema = z.object({
  items: z.array(UncertainDeliverySchema),
  nextBefore: z.string().nullable(),
});
export type UncertainDeliveryPage = z.infer<typeof UncertainDeliveryPageSchema>;

/**
 * POST /api/v1/deliveries/:id/resolve (admin): `resend` sends the reply again with the same Message-ID;
 * `mark_sent` records that the customer has it. 409 when the delivery is not uncertain.
 */
export const ResolveDeliveryRequestSchema = z.object({ action: z.enum(['resend', 'mark_sent']) }).strict();
export type ResolveDeliveryRequest = z.infer<typeof ResolveDeliveryRequestSchema>;

export const ResolveDeliveryResponseSchema = z.object({
  id: z.string(),
  runId: z.string(),
  /** pending: queued to be sent again · sent: recorded as delivered. */
  status: z.enum(['pending', 'sent']),
});
export type ResolveDeliveryResponse = z.infer<typeof ResolveDeliveryResponseSchema>;
