import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseOrBadRequest } from '../common/validation';
import { ReviewRecordsService } from './review-records.service';

const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('api/v1/history')
export class HistoryController {
  constructor(private readonly records: ReviewRecordsService) {}

  @Get()
  @ApiOperation({ summary: 'Decisions, newest first: who, when, action, diff and the reply that went out' })
  list(@Query() query: unknown) {
    const { limit, cursor } = parseOrBadRequest(HistoryQuerySchema, query, 'query');
    return this.records.history(limit, cursor);
  }
}
