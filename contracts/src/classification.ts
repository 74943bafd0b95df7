import { z } from 'zod';

export const UrgencySchema = z.enum(['low', 'normal', 'high', 'urgent']);
export type Urgency = z.infer<typeof UrgencySchema>;

/**
 * Risk flags raised by the model or by deterministic checks. Any flag keeps
 * a run away from auto-send.
 */
export const RiskFlagSchema = z.enum([
  'prompt_injection',
  'secret_request',
  'legal_threat',
  'security_incident',
  'personal_data',
  'abusive',
]);
export type RiskFlag = z.infer<typeof RiskFlagSchema>;

/** What the classify step says about a message. */
export const ClassificationSchema = z.object({
  /** One of the configured taxonomy's category keys. */
  category: z.string().min(1),
  /** Short free-text statement of what the sender wants. */
  intent: z.string(),
  /** BCP 47 language tag, e.g. "en". */
  language: z.string().min(2).max(35),
  urgency: UrgencySchema,
  riskFlags: z.array(RiskFlagSchema),
  /** The model's probability for the chosen category, in [0, 1]. */
  categoryConfidence: z.number().min(0).max(1),
});
export type Classification = z.infer<typeof ClassificationSchema>;
