import { Inject, Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import type { OutboundMessageEntity } from './outbound-message.entity';
import { ReplyDeliveryError, type HandOver, type ReplyTransport } from './reply-transport';

/** The JSON a callback receiver gets, wrapped as a Standard Webhooks payload `{type, timestamp, data}`. */
export interface CallbackReply {
  runId: string;
  eventId: string;
  source: string;
  /** webhook-id of the request that started the run. */
  webhookId: string;
  text: string;
  /** A reviewer's email, or "auto" when the answer was sent without review. */
  approvedBy: string;
  decidedAt: string;
}

/** 408 and 429 ask us to come back later; 5xx is the receiver's own trouble. Other statuses will not change on retry. */
export function isTemporaryHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs the approved answer to the webhook source's callback URL, signed with
 * the source's reply secret. webhook-id is the outbox row's deterministic id,
 * the same on every attempt, so a receiver that saw a retry can drop it. For the same reason a POST
 * whose answer never came (a timeout, or a sender killed after the hand-over) is simply sent again.
 */
@Injectable()
export class CallbackTransport implements ReplyTransport {
  readonly channel = 'callback' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(message: OutboundMessageEntity, handOver: HandOver): Promise<void> {
    const target = message.target;
    if (target?.channel !== 'callback') throw new ReplyDeliveryError('the callback reply has no target', 'permanent');
    const reply = this.config.WEBHOOK_SOURCES[target.source]?.reply;
    if (reply?.channel !== 'callback') {
      throw new ReplyDeliveryError(`webhook source "${target.source}" no longer has a callback reply`, 'permanent');
    }
    const data: CallbackReply = {
      runId: message.runId,
      eventId: target.eventId,
      source: target.source,
      webhookId: target.webhookId,
      text: message.body,
      approvedBy: message.approvedBy,
      decidedAt: message.createdAt.toISOString(),
    };
    const sentAt = new Date();
    const body = JSON.stringify({ type: 'reply.approved', timestamp: sentAt.toISOString(), data });
    // Signed per attempt: the timestamp must be fresh for the receiver's replay window.
    const signature = new Webhook(reply.secret).sign(message.messageId, sentAt, body);
    let response: Response;
    await handOver();
    try {
      response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': message.messageId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        redirect: 'manual', // a redirect could carry the signed answer elsewhere
        signal: AbortSignal.timeout(this.config.CALLBACK_TIMEOUT_MS),
      });
      await response.body?.cancel();
    } catch (error) {
      // Refused, reset or timed out: the receiver may not have it; webhook-id makes a repeat safe.
      const cause = (error as Error & { cause?: Error }).cause?.message;
      throw new ReplyDeliveryError(
        `POST ${target.url} failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
        'temporary',
      );
    }
    if (response.ok) return;
    const reason = `POST ${target.url} answered ${response.status} ${response.statusText}`.trim();
    throw new ReplyDeliveryError(reason, isTemporaryHttpStatus(response.status) ? 'temporary' : 'permanent');
  }
}
