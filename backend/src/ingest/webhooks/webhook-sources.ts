import { z } from 'zod';

const secret = z
  .string()
  .regex(/^(whsec_)?[A-Za-z0-9+/=]{16,}$/, 'must be a base64 secret, optionally prefixed whsec_');

/** One Standard Webhooks sender: its signing secrets (several during rotation), the workflow it starts, where answers go. */
export const WebhookSourceSchema = z.object({
  secrets: z.array(secret).min(1),
  workflow: z.literal('email-triage').default('email-triage'),
  reply: z
    .discriminatedUnion('channel', [
      z.object({
        channel: z.literal('callback'),
        url: z.url({ protocol: /^https?$/ }),
        /** Signs our POSTs to `url` (Standard Webhooks); separate from `secrets`, which sign theirs to us. */
        secret,
      }),
      z.object({
        channel: z.literal('slack'),
        /** The Slack channel id the approved answer is posted to (needs Slack configured). */
        slackChannel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel id such as C0123456789'),
        /** Posts as a reply in this message's thread instead of a new message. */
        threadTs: z
          .string()
          .regex(/^\d+\.\d+$/, 'must be a Slack message ts such as 1700000000.000100')
          .optional(),
      }),
      z.object({ channel: z.literal('none') }),
    ])
    .default({ channel: 'none' }),
});
export type WebhookSource = z.output<typeof WebhookSourceSchema>;

/** WEBHOOK_SOURCES: `{ "<source>": { secrets, workflow?, reply? } }`; the name is the :source of the route. */
export const WebhookSourcesSchema = z.record(
  z.string().regex(/^[a-z0-9-]{1,24}$/, 'source names are 1-24 of a-z, 0-9 and -'),
  WebhookSourceSchema,
);
