import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveryQuerySchema, ResolveDeliveryRequestSchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseOrBadRequest } from '../common/validation';
import { UncertainDeliveriesService } from './uncertain-deliveries.service';

/** The operator queue of uncertain replies (admin or API key). */
@ApiTags('deliveries')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/deliveries')
export class DeliveriesController {
  constructor(private readonly uncertain: UncertainDeliveriesService) {}

  @Get()
  @ApiOperation({
    summary: 'Replies whose outcome is unknown (a sender stopped after handing them over), newest first',
  })
  list(@Query() query: unknown) {
    const { limit, before } = parseOrBadRequest(DeliveryQuerySchema, query, 'query');
    return this.uncertain.list(limit, before);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Settle an uncertain reply: resend it (same Message-ID) or record it as sent; audited' })
  resolve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.uncertain.resolve(id, parseOrBadRequest(ResolveDeliveryRequestSchema, body), principal.email);
  }
}
