import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DigestSendQuerySchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseOrBadRequest } from '../common/validation';
import { DigestService } from './digest.service';

@ApiTags('digest')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/digest')
export class DigestController {
  constructor(private readonly digests: DigestService) {}

  @Post('send')
  @HttpCode(202)
  @ApiOperation({
    summary: "Send or re-send one day's digest (admin): 202 with the day's row; the send runs on a worker",
  })
  send(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { date } = parseOrBadRequest(DigestSendQuerySchema, query, 'query');
    return this.digests.requestSend(date, principal.email);
  }
}
