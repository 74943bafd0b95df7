import { Injectable, Optional } from '@nestjs/common';
import { webApi } from '@slack/bolt';
import { escapeMrkdwn } from './slack-text';
import { SlackClient, SlackRateLimitedError } from './slack-client.service';
import type { OutboundMessageEntity } from '../outbound-message.entity';
import { isTemporaryHttpStatus } from '../callback-transport';
import { ReplyDeliveryError, type HandOver, type ReplyTransport } from '../reply-transport';

/** Slack errors (ok:false) that a later attempt may not repeat; every other one is about our request or app. */
/** Connection errors that mean the request never reached Slack. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TEMPORARY_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * Posts the approved answer into the webhook source's Slack channel (or
 * thread) with chat.postMessage. The answer is escaped like the review
 * message, so text from an email cannot mention @channel or craft links. The post carries the row's
 * id as metadata; a post whose answer never came is looked up in the channel's history (`wasPosted`).
 */
@Injectable()
export class SlackReplyTransport implements ReplyTransport {
  readonly channel = 'slack' as const;

  // Absent when Slack is not configured; boot refuses Slack reply sources then, so only old rows can meet this.
  constructor(@Optional() private readonly slack?: SlackClient) {}

  async send(message: OutboundMessageEntity, handOver: HandOver): Promise<void> {
    const target = message.target;
    if (target?.channel !== 'slack') throw new ReplyDeliveryError('the Slack reply has no target', 'permanent');
    if (!this.slack) throw new ReplyDeliveryError('Slack is not configured', 'permanent');
    await handOver();
    try {
      await this.slack.postText(target.slackChannel, escapeMrkdwn(message.body), target.threadTs, message.messageId);
    } catch (error) {
      throw classify(error, target.slackChannel);
    }
  }

  /** Whether an uncertain post landed: true or false from Slack's history, null when Slack cannot tell us now. */
  async wasPosted(message: OutboundMessageEntity): Promise<boolean | null> {
    const target = message.target;
    if (target?.channel !== 'slack' || !this.slack || !message.committedAt) return null;
    try {
      // A minute of slack for clock skew between us and Slack.
      const oldest = new Date(message.committedAt.getTime() - 60_000);
      return await this.slack.findReply(target.slackChannel, message.messageId, oldest, target.threadTs);
    } catch {
      return null;
    }
  }
}

function classify(error: unknown, channel: string): ReplyDeliveryError {
  const where = `chat.postMessage to ${channel}`;
  if (error instanceof SlackRateLimitedError) return new ReplyDeliveryError(`${where}: ${error.message}`, 'temporary');
  const slackError = error as { code?: string; data?: { error?: string }; statusCode?: number; message?: string };
  switch (slackError.code) {
    case webApi.ErrorCode.PlatformError: {
      const reason = slackError.data?.error ?? 'unknown_error';
      return new ReplyDeliveryError(
        `${where} failed: ${reason}`,
        TEMPORARY_SLACK_ERRORS.has(reason) ? 'temporary' : 'permanent',
      );
    }
    case webApi.ErrorCode.HTTPError: {
      const status = slackError.statusCode ?? 0;
      return new ReplyDeliveryError(
        `${where} answered HTTP ${status}`,
        isTemporaryHttpStatus(status) ? 'temporary' : 'permanent',
      );
    }
    case webApi.ErrorCode.RequestError:
      // Never connected: Slack cannot have the post.
      if (NOT_CONNECTED.has((slackError as { original?: { code?: string } }).original?.code ?? ''))
        return new ReplyDeliveryError(`${where} failed: ${slackError.message}`, 'temporary');
      return new ReplyDeliveryError(`${where} failed: ${slackError.message ?? String(error)}`, 'unknown');
    default:
      // Reset or timed out with no answer: the post may have landed, so it is looked up, not repeated.
      return new ReplyDeliveryError(`${where} failed: ${slackError.message ?? String(error)}`, 'unknown');
  }
}
