import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterQuerySchema } from '@handoff/contracts';
import { parseOrBadRequest } from '../common/validation';
import { Roles } from '../auth/roles.decorator';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('runs')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Failed runs, newest first, with their error and the step they failed in' })
  list(@Query() query: unknown) {
    const { limit, before } = parseOrBadRequest(DeadLetterQuerySchema, query, 'query');
    return this.deadLetters.list(limit, before);
  }
}
