import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError, UnavailableError } from '../../../common/domain-errors';
import { parseOrBadRequest } from '../../../common/validation';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/config.schema';
import type { IngestResult } from '../../events.service';
import { InboundService } from '../../inbound.service';
import { parseJson, requireEnabled } from '../inbound-providers.service';
import { parseSesNotification } from './ses.parser';
import { SnsHttp } from './sns-http';
import { SnsMessageSchema, isSnsCertificateUrl, isSnsUrl, snsSignatureValid } from './sns-signature';

export type SesResult = IngestResult | { subscription: 'confirmed' | 'ignored' };

/** Amazon SES receipt rules publishing to SNS, which POSTs to us. Every message is verified against its SNS certificate. */
@Injectable()
export class SesInboundService {
  private readonly logger = new Logger('SesInbound');

  constructor(
    private readonly inbound: InboundService,
    private readonly http: SnsHttp,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(body: Buffer, headers: IncomingHttpHeaders): Promise<SesResult> {
    const topics = requireEnabled('SES', this.config.SES_TOPIC_ARNS);
    const message = parseOrBadRequest(
      SnsMessageSchema,
      parseJson(body, headers['content-type'], ['text/plain', 'application/json']),
      'SNS message',
    );
    if (!topics.includes(message.TopicArn)) throw new ForbiddenError(`topic ${message.TopicArn} is not accepted`);
    // Checked before any fetch: we only ever contact SNS itself.
    if (!isSnsCertificateUrl(message.SigningCertURL))
      throw new UnauthenticatedError('SigningCertURL is not an SNS certificate URL');
    let certificate: string;
    try {
      certificate = await this.http.certificate(message.SigningCertURL);
    } catch (error) {
      this.logger.warn(`could not fetch the SNS certificate: ${(error as Error).message}`);
      throw new UnavailableError('could not fetch the SNS signing certificate; retry later');
    }
    if (!snsSignatureValid(message, certificate)) throw new UnauthenticatedError('SNS signature does not match');

    switch (message.Type) {
      case 'SubscriptionConfirmation': {
        const url = message.SubscribeURL ?? '';
        if (!isSnsUrl(url, /^\/$/) || new URL(url).searchParams.get('Action') !== 'ConfirmSubscription') {
          throw new UnauthenticatedError('SubscribeURL is not an SNS confirmation URL');
        }
        await this.http.confirmSubscription(url);
        this.logger.log(`confirmed the SNS subscription to ${message.TopicArn}`);
        return { subscription: 'confirmed' };
      }
      case 'UnsubscribeConfirmation':
        return { subscription: 'ignored' };
      case 'Notification': {
        const { email, sesMessageId } = await parseSesNotification(message.Message);
        return this.inbound.accept(email, 'ses', { key: sesMessageId });
      }
    }
  }
}
