import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, UnauthenticatedError } from '../../common/domain-errors';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { parseOrBadRequest } from '../../common/validation';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { EmailJsonSchema } from '../email-json.dto';
import type { IngestResult } from '../events.service';
import type { ReplyChannel } from '../inbound-event.entity';
import { webhookSource } from '../inbound-event.repository';
import { InboundService } from '../inbound.service';
import { emailFromFields } from '../providers/provider-email';
import { parseJson } from '../providers/inbound-providers.service';

/** A Standard Webhooks payload: `{type, timestamp?, data}` where data is our JSON email shape. */
const WebhookPayloadSchema = z.object({
  type: z.string().min(1).max(100),
  timestamp: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
});

/** POST /api/v1/webhooks/:source — senders that sign with the Standard Webhooks scheme. */
@Injectable()
export class WebhooksService {
  private readonly verifiers: Map<string, Webhook[]>;

  constructor(
    private readonly inbound: InboundService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.verifiers = new Map(
      Object.entries(config.WEBHOOK_SOURCES).map(([name, source]) => [
        name,
        source.secrets.map((secret) => new Webhook(secret)),
      ]),
    );
  }

  async receive(sourceName: string, body: Buffer, headers: IncomingHttpHeaders): Promise<IngestResult> {
    const source = this.config.WEBHOOK_SOURCES[sourceName];
    const verifiers = this.verifiers.get(sourceName);
    if (!source || !verifiers) throw new NotFoundError(`unknown webhook source "${sourceName}"`);
    const id = this.verify(verifiers, body, headers);
    const payload = parseOrBadRequest(
      WebhookPayloadSchema,
      parseJson(body, headers['content-type']),
      'webhook payload',
    );
    const data = parseOrBadRequest(EmailJsonSchema, payload.data, 'webhook data');
    // webhook-id is the idempotency key: a sender's retry of the same message starts nothing new.
    // The reply secret stays in config; the event keeps only where the answer goes.
    const replyChannel: ReplyChannel =
      source.reply.channel === 'callback' ? { channel: 'callback', url: source.reply.url } : source.reply;
    return this.inbound.accept(await emailFromFields(data), webhookSource(sourceName), {
      key: id,
      webhookId: id,
      replyChannel,
    });
  }

  /** Any one current secret may match (rotation); the 5-minute window is the library's. Returns webhook-id. */
  private verify(verifiers: Webhook[], body: Buffer, headers: IncomingHttpHeaders): string {
    const signed = {
      'webhook-id': String(headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(headers['webhook-signature'] ?? ''),
    };
    if (!/^[\x21-\x7e]{1,255}$/.test(signed['webhook-id'])) {
      throw new UnauthenticatedError('webhook-id header is missing or malformed');
    }
    let reason = 'no signature matched';
    for (const verifier of verifiers) {
      try {
        verifier.verify(body, signed, { jsonParse: false });
        return signed['webhook-id'];
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        reason = error.message;
      }
    }
    throw new UnauthenticatedError(`webhook signature rejected: ${reason}`);
  }
}
