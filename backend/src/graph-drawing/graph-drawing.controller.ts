import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createEmailTriageGraph, EMAIL_TRIAGE_GRAPH, type TriageModel } from '@handoff/graphs';
import type { GraphDrawing } from '@handoff/graphs/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { buildTriagePolicy } from '../workflow/triage-model.factory';

const notForDrawing = (): never => {
  throw new Error('the drawing graph never runs');
};
const DRAWING_MODEL: TriageModel = {
  name: 'drawing',
  classify: notForDrawing,
  draft: notForDrawing,
  assess: notForDrawing,
};

@ApiTags('graphs')
@ApiBearerAuth()
@Controller('api/v1/graphs')
export class GraphDrawingController {
  private readonly emailTriage: GraphDrawing;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Compiled without a checkpointer, only to draw it; the drawing never changes while the process runs.
    const graph = createEmailTriageGraph({
      model: DRAWING_MODEL,
      policy: buildTriagePolicy(config),
      outbox: { requestReply: notForDrawing },
      clock: { now: () => new Date() },
    }).compile();
    this.emailTriage = { ...EMAIL_TRIAGE_GRAPH, mermaid: graph.getGraph().drawMermaid() };
  }

  @Get('email-triage/mermaid')
  @ApiOperation({ summary: 'The email triage workflow as a Mermaid flowchart' })
  emailTriageMermaid(): GraphDrawing {
    return this.emailTriage;
  }
}
