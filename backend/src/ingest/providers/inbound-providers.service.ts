import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError, UnsupportedMediaTypeError } from '../../common/domain-errors';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import type { IngestResult } from '../events.service';
import { parseForm } from './form-data';
import { InboundService } from '../inbound.service';
import { MAILGUN_TOKEN_RETENTION_MS, verifyMailgun } from './mailgun/mailgun.signature';
import { parseMailgun } from './mailgun/mailgun.parser';
import { parsePostmark } from './postmark/postmark.parser';
import { parseSendGrid } from './sendgrid/sendgrid.parser';
import { requireBasicAuth } from './shared-secret';

/** Authenticates each provider's request its own way, parses it to a ParsedEmail and hands it on. */
@Injectable()
export class InboundProvidersService {
  constructor(
    private readonly inbound: InboundService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** SendGrid does not sign Inbound Parse posts; its docs suggest basic auth in the destination URL. */
  async sendgrid(body: Buffer, headers: IncomingHttpHeaders): Promise<IngestResult> {
    const secret = this.enabled('SendGrid', this.config.SENDGRID_INBOUND_SECRET);
    requireBasicAuth(headers.authorization, undefined, secret);
    const form = await parseForm(body, headers['content-type'], ['email']);
    return this.inbound.accept(await parseSendGrid(form), 'sendgrid');
  }

  async mailgun(body: Buffer, headers: IncomingHttpHeaders): Promise<IngestResult> {
    const key = this.enabled('Mailgun', this.config.MAILGUN_SIGNING_KEY);
    const form = await parseForm(body, headers['content-type']);
    const { token, timestamp } = verifyMailgun(key, {
      timestamp: form.text('timestamp'),
      token: form.text('token'),
      signature: form.text('signature'),
    });
    const keepUntil = new Date(Number(timestamp) * 1000 + MAILGUN_TOKEN_RETENTION_MS);
    return this.inbound.accept(await parseMailgun(form), 'mailgun', { replayToken: { value: token, keepUntil } });
  }

  /** Postmark does not sign inbound posts; it supports basic auth in the webhook URL. */
  async postmark(body: Buffer, headers: IncomingHttpHeaders): Promise<IngestResult> {
    const password = this.enabled('Postmark', this.config.POSTMARK_INBOUND_PASSWORD);
    requireBasicAuth(headers.authorization, this.config.POSTMARK_INBOUND_USER, password);
    return this.inbound.accept(await parsePostmark(parseJson(body, headers['content-type'])), 'postmark');
  }

  private enabled<T>(provider: string, setting: T | undefined): T {
    return requireEnabled(provider, setting);
  }
}

/** An unconfigured provider's route answers 404, as if it did not exist. */
export function requireEnabled<T>(provider: string, setting: T | undefined): T {
  if (setting === undefined) throw new NotFoundError(`${provider} inbound is not configured`);
  return setting;
}

/** JSON from a raw body, in one of the media types the sender documents (SNS says text/plain). */
export function parseJson(body: Buffer, contentType: string | undefined, types = ['application/json']): unknown {
  if (!types.some((type) => (contentType ?? '').toLowerCase().startsWith(type))) {
    throw new UnsupportedMediaTypeError(`send ${types.join(' or ')}`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    throw new InvalidInputError(`malformed JSON: ${(error as Error).message}`);
  }
}
