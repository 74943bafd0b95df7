import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TimeseriesQuerySchema } from '@handoff/contracts';
import { z } from 'zod';
import { parseOrBadRequest } from '../common/validation';
import { StatsService } from './stats.service';

const DAY_MS = 86_400_000;
const OverviewQuerySchema = z
  .object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() })
  .transform(({ from, to = new Date() }) => ({ to, from: from ?? new Date(to.getTime() - 30 * DAY_MS) }))
  .refine(({ from, to }) => from < to, 'from must be before to');
/** A year of days at most: the series is one point per day. */
const MAX_SERIES_DAYS = 366;
const TimeseriesQuery = TimeseriesQuerySchema.transform(({ from, to = new Date(), bucket }) => ({
  bucket,
  to,
  from: from ?? new Date(to.getTime() - 30 * DAY_MS),
}))
  .refine(({ from, to }) => from < to, 'from must be before to')
  .refine(({ from, to }) => to.getTime() - from.getTime() <= MAX_SERIES_DAYS * DAY_MS, {
    message: `the period may span at most ${MAX_SERIES_DAYS} days`,
  });

@ApiTags('stats')
@ApiBearerAuth()
@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('overview')
  @ApiOperation({ summary: 'Volume, auto-send, approval-without-edit and edit rates, median time to decision' })
  overview(@Query() query: unknown) {
    const { from, to } = parseOrBadRequest(OverviewQuerySchema, query, 'query');
    return this.stats.overview(from, to);
  }

  @Get('timeseries')
  @ApiOperation({
    summary: 'The overview\'s "all" figures per UTC day: volume, auto-send and approval rates, median time to decision',
  })
  timeseries(@Query() query: unknown) {
    const { from, to } = parseOrBadRequest(TimeseriesQuery, query, 'query');
    return this.stats.timeseries(from, to);
  }
}
