import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseOrBadRequest } from '../common/validation';
import { DeadLettersService } from './dead-letters.service';

const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Failed runs, newest first, with their error and the step they failed in' })
  list(@Query() query: unknown) {
    const { limit, before } = parseOrBadRequest(ListQuerySchema, query, 'query');
    return this.deadLetters.list(limit, before);
  }
}
