import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RunDetails, RunsService } from './runs.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A run: status, steps with timings, classification, draft, confidence, reply' })
  get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<RunDetails> {
    return this.runs.get(id);
  }
}
