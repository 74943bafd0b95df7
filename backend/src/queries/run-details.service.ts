import { Injectable } from '@nestjs/common';
import type { Citation, Classification, Routing } from '@handoff/contracts';
import { NotFoundError } from '../common/domain-errors';
import { OutboxRepository } from '../delivery/outbox.repository';
import { InboundEventRepository } from '../ingest/inbound-event.repository';
import { ReviewRepository } from '../reviews/review.repository';
import type { RunStatus } from '../workflow/run-status';
import { RunRepository } from '../workflow/run.repository';

export interface RunDetails {
  id: string;
  eventId: string;
  status: RunStatus;
  graph: { name: string; version: number };
  model: string | null;
  message: { from: string; subject: string; messageId: string | null; receivedAt: Date; ignoredReason: string | null };
  classification: Classification | null;
  draft: string | null;
  confidence: number | null;
  confidenceReasons: string[];
  reviewReasons: string[];
  citations: Citation[];
  routing: Routing | null;
  modelVersion: number | null;
  reviewId: string | null;
  reply: { id: string; status: string; messageId: string; sentAt: Date | null; attempts: number } | null;
  steps: { node: string; startedAt: Date; finishedAt: Date; durationMs: number }[];
  error: string | null;
  failedStep: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One run as operators read it, assembled from each stage's own repository. */
@Injectable()
export class RunDetailsService {
  constructor(
    private readonly runs: RunRepository,
    private readonly events: InboundEventRepository,
    private readonly reviews: ReviewRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async get(runId: string): Promise<RunDetails> {
    const run = await this.runs.find(runId);
    if (!run) throw new NotFoundError(`run ${runId} not found`);
    const [event, steps, review, reply] = await Promise.all([
      this.events.get(run.eventId),
      this.runs.stepsOf(runId),
      this.reviews.findByRun(runId),
      this.outbox.replyOf(runId),
    ]);
    return {
      id: run.id,
      eventId: run.eventId,
      status: run.status,
      graph: { name: run.graphName, version: run.graphVersion },
      model: run.modelName,
      message: {
        from: event.fromAddress,
        subject: event.subject,
        messageId: event.messageId,
        receivedAt: event.receivedAt,
        ignoredReason: event.ignoreReason,
      },
      classification: run.classification,
      draft: run.draft,
      confidence: run.confidence,
      confidenceReasons: run.confidenceReasons ?? [],
      reviewReasons: run.reviewReasons ?? [],
      citations: run.citations,
      routing: run.routing ?? null,
      modelVersion: run.modelVersion ?? null,
      reviewId: review?.id ?? null,
      reply: reply
        ? {
            id: reply.id,
            status: reply.status,
            messageId: reply.messageId,
            sentAt: reply.sentAt,
            attempts: reply.attempts,
          }
        : null,
      steps: steps.map((step) => ({
        node: step.node,
        startedAt: step.startedAt,
        finishedAt: step.finishedAt,
        durationMs: step.finishedAt.getTime() - step.startedAt.getTime(),
      })),
      error: run.error,
      failedStep: run.failedStep,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
    };
  }
}
