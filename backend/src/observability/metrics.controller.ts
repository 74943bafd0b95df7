import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { metricsAccessCheck } from './metrics-access';
import { MetricsService } from './metrics.service';

@ApiTags('observability')
@ApiBearerAuth()
@Public() // checked here instead: METRICS_TOKEN is accepted as well as the admin key
@Controller('metrics')
export class MetricsController {
  private readonly allowed: (authorization: string | undefined) => boolean;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.allowed = metricsAccessCheck(config);
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (Bearer METRICS_TOKEN or the admin key)' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (!this.allowed(authorization)) {
      throw new UnauthorizedException('metrics need Authorization: Bearer <METRICS_TOKEN or ADMIN_API_KEY>');
    }
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
