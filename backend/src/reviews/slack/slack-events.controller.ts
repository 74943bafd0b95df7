import { Controller, HttpCode, Inject, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { verifySlackRequest } from '@slack/bolt';
import type { Request, Response } from 'express';
import { Public } from '../../auth/public.decorator';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { SlackInteractionsService } from './slack-interactions.service';

/**
 * Slack's Events and Interactivity request URL. Public to the session/API-key
 * guard because Slack authenticates it instead: the v0 signature over the raw
 * body, with timestamps older than five minutes refused (replays).
 */
@ApiExcludeController()
@Controller('api/v1/slack')
export class SlackEventsController {
  constructor(
    private readonly interactions: SlackInteractionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('events')
  @HttpCode(200)
  async events(@Req() request: Request, @Res() response: Response): Promise<void> {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    try {
      verifySlackRequest({
        signingSecret: this.config.SLACK_SIGNING_SECRET!,
        body: raw,
        headers: {
          'x-slack-signature': String(request.headers['x-slack-signature'] ?? ''),
          'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
        },
        logger: silent,
      });
    } catch {
      throw new UnauthorizedException('invalid Slack signature');
    }
    const body = parseSlackBody(raw, String(request.headers['content-type'] ?? ''));
    if (body['type'] === 'url_verification') {
      response.json({ challenge: body['challenge'] });
      return;
    }
    const result = await this.interactions.dispatch(body);
    if (result.body === undefined || result.body === '') response.status(result.status).end();
    else response.status(result.status).json(result.body);
  }
}

/** Interactivity posts `payload=<json>` form-encoded; the Events API posts JSON. */
function parseSlackBody(raw: string, contentType: string): Record<string, unknown> {
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      return payload ? (JSON.parse(payload) as Record<string, unknown>) : Object.fromEntries(form);
    }
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const noop = () => undefined;
const silent = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => 'error',
  setName: noop,
} as never;
