import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ModelVersionParamSchema, RetrainInputSchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseOrBadRequest } from '../common/validation';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'Offline model versions, newest first: status, training counts, metrics, stages, reason' })
  list() {
    return this.models.list();
  }

  @Post('retrain')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Admin: start the retraining pipeline now (409 while one runs); {control: "shuffled-labels"} for a control run',
  })
  retrain(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const input = parseOrBadRequest(RetrainInputSchema, body ?? {});
    return this.models.retrain('admin', principal.email, input);
  }

  @Post(':version/activate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: make a version the active model (roll back or forward); audited' })
  activate(@Param('version') version: string, @CurrentPrincipal() principal: Principal) {
    const number = parseOrBadRequest(ModelVersionParamSchema, version, 'version');
    return this.models.activate(number, principal.email, 'admin');
  }
}
