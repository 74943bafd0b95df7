import { Injectable, Optional } from '@nestjs/common';
import { webApi } from '@slack/bolt';
import { escapeMrkdwn } from './slack-text';
import { SlackClient, SlackRateLimitedError } from './slack-client.service';
import type { OutboundMessageEntity } from '../outbound-message.entity';
import { isTemporaryHttpStatus } from '../callback-transport';
import { ReplyDeliveryError, type ReplyTransport } from '../reply-transport';

/** Slack errors (ok:false) that a later attempt may not repeat; every other one is about our request or app. */
const TEMPORARY_SLACK_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * Posts the approved answer into the webhook source's Slack channel (or
 * thread) with chat.postMessage. The answer is escaped like the review
 * message, so text from an email cannot mention @channel or craft links.
 */
@Injectable()
export class SlackReplyTransport implements ReplyTransport {
  readonly channel = 'slack' as const;

  // Absent when Slack is not configured; boot refuses Slack reply sources then, so only old rows can meet this.
  constructor(@Optional() private readonly slack?: SlackClient) {}

  async send(message: OutboundMessageEntity): Promise<void> {
    const target = message.target;
    if (target?.channel !== 'slack') throw new ReplyDeliveryError('the Slack reply has no target', 'permanent');
    if (!this.slack) throw new ReplyDeliveryError('Slack is not configured', 'permanent');
    try {
      await this.slack.postText(target.slackChannel, escapeMrkdwn(message.body), target.threadTs);
    } catch (error) {
      throw classify(error, target.slackChannel);
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
    default:
      // Refused, reset or timed out: Slack may be back later.
      return new ReplyDeliveryError(`${where} failed: ${slackError.message ?? String(error)}`, 'temporary');
  }
}
