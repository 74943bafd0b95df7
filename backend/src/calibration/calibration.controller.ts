import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CalibrationPinInputSchema, CategoryKeySchema } from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseOrBadRequest } from '../common/validation';
import { CalibrationService } from './calibration.service';

const HistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

@ApiTags('calibration')
@ApiBearerAuth()
@Controller('api/v1/calibration')
export class CalibrationController {
  constructor(private readonly calibration: CalibrationService) {}

  @Get()
  @ApiOperation({ summary: 'Per category: mode, threshold, evidence, precision and its bound, coverage, pin, curve' })
  get() {
    return this.calibration.snapshot();
  }

  @Get('history')
  @ApiOperation({ summary: 'Mode changes (earned, demoted, pinned), newest first' })
  history(@Query() query: unknown) {
    return this.calibration.history(parseOrBadRequest(HistoryQuerySchema, query, 'query').limit).then((items) => ({
      items,
    }));
  }

  @Post('recompute')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: recompute every category’s learned threshold now' })
  recompute(@CurrentPrincipal() principal: Principal) {
    return this.calibration.recompute(principal.email);
  }

  @Put(':category')
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: pin a category {mode: review|auto|learned, threshold?}; audited' })
  pin(@Param('category') category: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const key = parseOrBadRequest(CategoryKeySchema, category, 'category');
    return this.calibration.pin(key, parseOrBadRequest(CalibrationPinInputSchema, body), principal.email);
  }
}
