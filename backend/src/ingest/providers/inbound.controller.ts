import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../auth/public.decorator';
import type { IngestResult } from '../events.service';
import { IngestRateLimitGuard } from '../rate-limit.guard';
import { InboundProvidersService } from './inbound-providers.service';
import { SesInboundService, type SesResult } from './ses/ses-inbound.service';

/** Raw bytes captured for these paths in bootstrap.ts; empty when the body was absent. */
function rawBody(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * Provider webhooks, one route each. Public to the API-key guard: each request is
 * authenticated by the provider's signature or by basic auth, inside the service.
 */
@ApiExcludeController()
@Public()
@UseGuards(IngestRateLimitGuard) // per client address: providers authenticate later, in the service
@Controller('api/v1/inbound')
export class InboundController {
  constructor(
    private readonly providers: InboundProvidersService,
    private readonly ses: SesInboundService,
  ) {}

  @Post('sendgrid')
  @HttpCode(200)
  sendgrid(@Req() request: Request): Promise<IngestResult> {
    return this.providers.sendgrid(rawBody(request), request.headers);
  }

  /** Mailgun sends raw MIME when the forward URL ends in "mime". */
  @Post(['mailgun', 'mailgun/mime'])
  @HttpCode(200)
  mailgun(@Req() request: Request): Promise<IngestResult> {
    return this.providers.mailgun(rawBody(request), request.headers);
  }

  @Post('postmark')
  @HttpCode(200)
  postmark(@Req() request: Request): Promise<IngestResult> {
    return this.providers.postmark(rawBody(request), request.headers);
  }

  @Post('ses')
  @HttpCode(200)
  sesNotification(@Req() request: Request): Promise<SesResult> {
    return this.ses.receive(rawBody(request), request.headers);
  }
}
