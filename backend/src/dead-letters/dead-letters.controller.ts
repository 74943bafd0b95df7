import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeadLetterQuerySchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseOrBadRequest } from '../common/validation';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Failed runs, newest first, with their error and the step they failed in' })
  list(@Query() query: unknown) {
    const { limit, before } = parseOrBadRequest(DeadLetterQuerySchema, query, 'query');
    return this.deadLetters.list(limit, before);
  }

  @Post('runs/:id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay a failed run from its last checkpoint (never sends a second reply)' })
  replay(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() principal: Principal) {
    return this.deadLetters.replay(id, principal.id);
  }
}
