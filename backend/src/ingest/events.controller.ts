import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  Post,
  Req,
  UseGuards,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { parseOrBadRequest } from '../common/validation';
import { Roles } from '../auth/roles.decorator';
import { IngestRateLimitGuard } from './rate-limit.guard';
import { EmailJsonSchema, emailFromJson } from './email-json.dto';
import { EventsService, IngestResult } from './events.service';
import { parseMimeSafely } from '../ingest-safety/ingest-parsers';
import { UnparseableEmailError } from './mime';

const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters')
  .optional();

@ApiTags('events')
@ApiBearerAuth()
// Operators and machines feed mail in; a reviewer who could ingest could forge a customer's email and approve it.
@Roles('admin')
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post('email')
  @HttpCode(202)
  @UseGuards(IngestRateLimitGuard)
  @ApiOperation({ summary: 'Accept an inbound email as JSON or raw RFC 5322 (message/rfc822)' })
  @ApiConsumes('application/json', 'message/rfc822')
  @ApiBody({ description: 'Our JSON email shape, or the raw message bytes' })
  @ApiResponse({ status: 202, description: '{ eventId, runId, status, duplicate }' })
  async ingestEmail(@Req() request: Request, @Headers('idempotency-key') rawKey?: string): Promise<IngestResult> {
    const key = parseOrBadRequest(IdempotencyKeySchema, rawKey, 'Idempotency-Key header');
    if (request.is('application/json')) {
      const body = parseOrBadRequest(EmailJsonSchema, request.body);
      return this.events.ingestEmail(await emailFromJson(body), 'api', key);
    }
    if (request.is('message/rfc822')) {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new BadRequestException('empty message body');
      try {
        return await this.events.ingestEmail(await parseMimeSafely(request.body), 'api-mime', key);
      } catch (error) {
        if (error instanceof UnparseableEmailError) throw new BadRequestException(error.message);
        throw error;
      }
    }
    throw new UnsupportedMediaTypeException('send application/json or message/rfc822');
  }
}
