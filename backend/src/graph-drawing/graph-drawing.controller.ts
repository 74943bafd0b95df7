import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkflowDrawing } from '@handoff/contracts';
import { createEmailTriageGraph, drawGraph, EMAIL_TRIAGE_GRAPH, type TriageModel } from '@handoff/graphs';
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
};

@ApiTags('graphs')
@ApiBearerAuth()
@Controller('api/v1/graphs')
export class GraphDrawingController {
  private readonly emailTriageDrawing: WorkflowDrawing;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Compiled without a checkpointer, only to draw it; the drawing never changes while the process runs.
    const graph = createEmailTriageGraph({
      model: DRAWING_MODEL,
      policy: buildTriagePolicy(config),
      outbox: { requestReply: notForDrawing },
      clock: { now: () => new Date() },
    }).compile();
    this.emailTriageDrawing = { ...EMAIL_TRIAGE_GRAPH, ...drawGraph(graph) };
  }

  // `…/mermaid` is the older address of the same drawing; its callers read the `mermaid` field.
  @Get(['email-triage', 'email-triage/mermaid'])
  @ApiOperation({ summary: 'The email triage workflow: {name, version, nodes, edges, mermaid}' })
  emailTriage(): WorkflowDrawing {
    return this.emailTriageDrawing;
  }
}
