import { Inject, Injectable } from '@nestjs/common';
import { webApi } from '@slack/bolt';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';

/** Slack asked us to wait (429 Retry-After); the job is delayed by that long instead of failing. */
export class SlackRateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Slack rate limit: retry after ${retryAfterSeconds}s`);
  }
}

type Blocks = Record<string, unknown>[];
/** The metadata event type on Slack-delivered answers. */
const REPLY_EVENT_TYPE = 'handoff_reply';
export interface SlackPosted {
  channel: string;
  ts: string;
}

/**
 * The Slack Web API calls Handoff makes, in one place for reviews, reminders
 * and delivery alike. No retries here: callers run inside queue jobs, whose
 * backoff and Retry-After handling survive a restart, unlike an in-process loop.
 */
@Injectable()
export class SlackClient {
  readonly web: webApi.WebClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.web = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
      ...(config.SLACK_API_URL ? { slackApiUrl: withSlash(config.SLACK_API_URL) } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    });
  }

  post(channel: string, text: string, blocks: Blocks): Promise<SlackPosted> {
    return this.call(async () => {
      const result = await this.web.chat.postMessage({ channel, text, blocks: blocks as never, unfurl_links: false });
      return { channel: result.channel ?? channel, ts: result.ts! };
    });
  }

  update(message: SlackPosted, text: string, blocks: Blocks): Promise<void> {
    return this.call(async () => {
      await this.web.chat.update({ channel: message.channel, ts: message.ts, text, blocks: blocks as never });
    });
  }

  /**
   * Plain mrkdwn text in a channel, or in a thread when `threadTs` is set: Slack-delivered answers.
   * `replyId` travels as message metadata, so `findReply` can tell later whether the post landed.
   */
  postText(channel: string, text: string, threadTs?: string, replyId?: string): Promise<SlackPosted> {
    return this.call(async () => {
      const result = await this.web.chat.postMessage({
        channel,
        text,
        unfurl_links: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(replyId ? { metadata: { event_type: REPLY_EVENT_TYPE, event_payload: { reply_id: replyId } } } : {}),
      });
      return { channel: result.channel ?? channel, ts: result.ts! };
    });
  }

  /**
   * Whether a message carrying `replyId` in its metadata was posted in the channel (or thread) since
   * `oldest`: Slack's history is the only record of a post whose answer we never read.
   */
  findReply(channel: string, replyId: string, oldest: Date, threadTs?: string): Promise<boolean> {
    return this.call(async () => {
      const since = (oldest.getTime() / 1000).toFixed(6);
      let cursor: string | undefined;
      do {
        const page = threadTs
          ? await this.web.conversations.replies({
              channel,
              ts: threadTs,
              oldest: since,
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            })
          : await this.web.conversations.history({
              channel,
              oldest: since,
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            });
        const found = (page.messages ?? []).some(
          (message) =>
            message.metadata?.event_type === REPLY_EVENT_TYPE &&
            (message.metadata.event_payload as { reply_id?: unknown } | undefined)?.reply_id === replyId,
        );
        if (found) return true;
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return false;
    });
  }

  /** A reply in the message's thread, e.g. a reminder. */
  postThreadReply(message: SlackPosted, text: string, blocks?: Blocks): Promise<SlackPosted> {
    return this.call(async () => {
      const result = await this.web.chat.postMessage({
        channel: message.channel,
        thread_ts: message.ts,
        text,
        ...(blocks ? { blocks: blocks as never } : {}),
      });
      return { channel: result.channel ?? message.channel, ts: result.ts! };
    });
  }

  postEphemeral(channel: string, user: string, text: string): Promise<void> {
    return this.call(async () => {
      await this.web.chat.postEphemeral({ channel, user, text });
    });
  }

  openView(triggerId: string, view: Record<string, unknown>): Promise<void> {
    return this.call(async () => {
      await this.web.views.open({ trigger_id: triggerId, view: view as never });
    });
  }

  /** The Slack user's profile email (needs users:read.email), or null when hidden. */
  userEmail(user: string): Promise<string | null> {
    return this.call(async () => (await this.web.users.info({ user })).user?.profile?.email?.toLowerCase() ?? null);
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if ((error as { code?: string }).code === webApi.ErrorCode.RateLimitedError) {
        throw new SlackRateLimitedError((error as webApi.WebAPIRateLimitedError).retryAfter);
      }
      throw error;
    }
  }
}

// The Web API client joins method names onto the base URL, so it must end in a slash.
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
