import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { addToWorkContext } from '../observability/context';
import { RunReplayService } from '../workflow/run-replay.service';
import { RunDetails, RunDetailsService } from './run-details.service';
import { RunTimeline, RunTimelineService } from './run-timeline.service';

const RunId = () => new ParseUUIDPipe({ version: '4' });

/** Everything under /api/v1/runs: a run's details and timeline, and replaying a failed one. */
@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs')
export class RunsController {
  constructor(
    private readonly details: RunDetailsService,
    private readonly timeline: RunTimelineService,
    private readonly replays: RunReplayService,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A run: status, steps with timings, classification, draft, confidence, reply' })
  get(@Param('id', RunId()) id: string): Promise<RunDetails> {
    return this.details.get(id);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: "A run's steps with start, end, outcome and the LLM calls each made" })
  getTimeline(@Param('id', RunId()) id: string): Promise<RunTimeline> {
    addToWorkContext({ runId: id });
    return this.timeline.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Replay a failed run from its last checkpoint (never sends a second reply); admin or API key',
  })
  replay(@Param('id', RunId()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.replays.replay(id, principal.id);
  }
}
