import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../auth/public.decorator';
import type { IngestResult } from '../events.service';
import { IngestRateLimitGuard } from '../rate-limit.guard';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Public() // authenticated by the Standard Webhooks signature, not the API key
@UseGuards(IngestRateLimitGuard) // per client address: the signature is checked later, in the service
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post(':source')
  @HttpCode(202)
  @ApiOperation({ summary: 'Accept a Standard Webhooks event (webhook-id, webhook-timestamp, webhook-signature)' })
  receive(@Param('source') source: string, @Req() request: Request): Promise<IngestResult> {
    return this.webhooks.receive(
      source,
      Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      request.headers,
    );
  }
}
