import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, any>;
}

export type SlackFault = 'down' | 500 | 429 | undefined;

/**
 * A Slack Web API on loopback: records every call and answers like Slack
 * (HTTP 200 with ok:true/false, 429 with Retry-After). `fault` makes it fail
 * every call until cleared; `users` maps user ids to profile emails.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, string>();
  fault: SlackFault;
  /** chat.postMessage to these channels answers ok:false with the error, as Slack does for e.g. channel_not_found. */
  readonly channelErrors = new Map<string, string>();
  /** Requests refused because of `fault`. */
  refused = 0;
  /** Per channel, what happens to the next chat.postMessage calls whose answer is lost (`loseNextPostAnswer`). */
  private readonly lostAnswers = new Map<string, { keep: boolean }[]>();
  /** What chat.postMessage stored, as conversations.history and conversations.replies return it. */
  readonly posted: { channel: string; ts: string; thread_ts?: string; text: string; metadata?: unknown }[] = [];
  private server?: Server;
  private nextTs = 1_700_000_000;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/`;
  }

  /**
   * The next chat.postMessage to `channel` gets no answer: the connection is dropped after the post was
   * stored (keep true: it landed, the answer was lost) or before (keep false: Slack never took it).
   */
  loseNextPostAnswer(channel: string, options: { keep: boolean }): void {
    this.lostAnswers.set(channel, [...(this.lostAnswers.get(channel) ?? []), options]);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void readBody(request).then((raw) => {
        const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
        if (this.fault) this.refused++;
        if (this.fault === 'down') return response.destroy();
        if (this.fault === 500) return response.writeHead(500).end('internal error');
        if (this.fault === 429) return response.writeHead(429, { 'retry-after': '1' }).end();
        const args = parseArgs(raw, String(request.headers['content-type'] ?? ''));
        const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? args['token'];
        this.calls.push({ method, token, args });
        const lost = method === 'chat.postMessage' ? this.lostAnswers.get(String(args['channel']))?.shift() : undefined;
        if (lost) {
          if (lost.keep) this.answer(method, args);
          return response.destroy(); // the caller never learns whether the post landed
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.answer(method, args)));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'U0HANDOFF', bot_id: 'B0HANDOFF', team_id: 'T0TEAM' };
      case 'chat.postMessage':
        if (this.channelErrors.has(String(args['channel']))) {
          return { ok: false, error: this.channelErrors.get(String(args['channel'])) };
        }
        {
          const ts = `${this.nextTs++}.000100`;
          this.posted.push({
            channel: String(args['channel']),
            ts,
            text: String(args['text'] ?? ''),
            ...(args['thread_ts'] ? { thread_ts: String(args['thread_ts']) } : {}),
            ...(args['metadata'] ? { metadata: args['metadata'] } : {}),
          });
          return { ok: true, channel: args['channel'], ts, message: { text: args['text'] } };
        }
      case 'conversations.history':
      case 'conversations.replies': {
        // One page, everything in the channel (or the thread); metadata only when asked for, as Slack does.
        const withMetadata = String(args['include_all_metadata']) === 'true';
        const messages = this.posted
          .filter((message) => message.channel === String(args['channel']))
          .filter((message) => method === 'conversations.history' || message.thread_ts === String(args['ts']))
          .map(({ metadata, ...message }) => (withMetadata && metadata ? { ...message, metadata } : message));
        return { ok: true, messages, has_more: false };
      }
      case 'chat.update':
        return { ok: true, channel: args['channel'], ts: args['ts'] };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'views.open':
        return { ok: true, view: { id: 'V0VIEW' } };
      case 'users.info': {
        const email = this.users.get(String(args['user']));
        return email
          ? { ok: true, user: { id: args['user'], profile: { email } } }
          : { ok: false, error: 'user_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// The Web API client form-encodes arguments, JSON-encoding objects such as blocks.
function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.includes('json')) return JSON.parse(raw || '{}');
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

/** Signs a request body exactly as Slack does: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts an interactive payload to the service as Slack would: form-encoded `payload=`, signed. */
export async function sendInteraction(
  baseUrl: string,
  secret: string,
  payload: Record<string, unknown>,
  options: { timestamp?: number; signature?: string } = {},
): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(`${baseUrl}/api/v1/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, body),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** A button click on a review message, shaped like Slack's block_actions payload. */
export function buttonClick(user: string, actionId: string, reviewId: string, channel: string, ts: string) {
  return {
    type: 'block_actions',
    user: { id: user, username: user, team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'handoff' },
    api_app_id: 'A0HANDOFF',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${Date.now()}`,
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'reviews' },
    message: { ts, type: 'message' },
    response_url: 'https://hooks.slack.invalid/actions/1',
    actions: [
      { type: 'button', action_id: actionId, block_id: 'decision', value: reviewId, action_ts: `${Date.now() / 1000}` },
    ],
  };
}

/** A choice in a static select menu (the category menu), shaped like Slack's block_actions payload. */
export function menuChoice(user: string, actionId: string, value: string, channel: string, ts: string) {
  const click = buttonClick(user, actionId, '', channel, ts);
  return {
    ...click,
    actions: [
      {
        type: 'static_select',
        action_id: actionId,
        block_id: 'decision',
        selected_option: { text: { type: 'plain_text', text: value }, value },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** A modal submission, shaped like Slack's view_submission payload. */
export function viewSubmission(user: string, view: { callback_id: string; private_metadata: string }, text: string) {
  return {
    type: 'view_submission',
    user: { id: user, username: user, team_id: 'T0TEAM' },
    team: { id: 'T0TEAM', domain: 'handoff' },
    api_app_id: 'A0HANDOFF',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${Date.now()}`,
    view: {
      id: 'V0VIEW',
      type: 'modal',
      team_id: 'T0TEAM',
      app_id: 'A0HANDOFF',
      bot_id: 'B0HANDOFF',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      hash: 'h',
      state: { values: { decision_input: { text: { type: 'plain_text_input', value: text } } } },
    },
  };
}
