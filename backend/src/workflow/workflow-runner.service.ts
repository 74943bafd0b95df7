import { Inject, Injectable, Logger } from '@nestjs/common';
import { Command } from '@langchain/langgraph';
import { DataSource } from 'typeorm';
import { ReviewRequestSchema } from '@handoff/contracts';
import type { TriageState, InboundMessage, ResumeDecision } from '@handoff/graphs';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { InboundEventEntity } from '../events/inbound-event.entity';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { StepObserver } from '../observability/step-observer.service';
import { Tracing } from '../observability/tracing';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { ReviewDecisionEntity } from '../reviews/review-decision.entity';
import { ReviewsService } from '../reviews/reviews.service';
import { RunsService } from '../runs/runs.service';
import { isFinalRunStatus, WorkflowRunEntity } from '../runs/workflow-run.entity';
import { RunBusyError } from './errors';
import { threadHistory } from './thread-history';
import { TriageGraphService, type CompiledTriageGraph } from './triage-graph.service';

const BUSY_RETRY_MS = 1_000;

export type WorkflowJob = { kind: 'start' } | { kind: 'resume'; decisionId: string };

/**
 * Runs and resumes triage graphs. Every call works out where the run stands
 * from its checkpoint, so a retried or duplicated job continues the run
 * instead of starting it again.
 */
@Injectable()
export class WorkflowRunner {
  private readonly logger = new Logger(WorkflowRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly triage: TriageGraphService,
    private readonly runs: RunsService,
    private readonly reviews: ReviewsService,
    private readonly jobs: JobQueueService,
    private readonly observer: StepObserver,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(runId: string, job: WorkflowJob): Promise<string> {
    return this.withRunLock(runId, () => this.advance(runId, job));
  }

  /** Marks a run failed after its job used its last attempt; the error and step are kept for operators. */
  async markFailed(runId: string, error: Error): Promise<void> {
    const snapshot = await this.triage.graph.getState(this.threadConfig(runId));
    await this.runs.transition(this.dataSource.manager, runId, 'failed', {
      error: error.message.slice(0, 2_000),
      failedStep: snapshot.next[0] ?? null,
    });
  }

  private threadConfig(runId: string) {
    return { configurable: { thread_id: runId } };
  }

  private async advance(runId: string, job: WorkflowJob): Promise<string> {
    const run = await this.dataSource.getRepository(WorkflowRunEntity).findOne({ where: { id: runId } });
    if (!run) return 'missing';
    addToWorkContext({ eventId: run.eventId });
    if (isFinalRunStatus(run.status)) return `already ${run.status}`;

    const graph = this.triage.graph;
    const config = this.threadConfig(runId);
    const snapshot = await graph.getState(config);
    const interrupt = snapshot.tasks.flatMap((task) => task.interrupts)[0];
    let input: Parameters<CompiledTriageGraph['stream']>[0];

    // createdAt is set once any checkpoint exists, even one holding only the input.
    if (!snapshot.createdAt) {
      if (job.kind === 'resume') throw new Error(`run ${runId} has no checkpoint to resume`);
      input = { runId, message: await this.messageFor(run.eventId) };
      this.metrics.runsStarted.inc();
    } else if (interrupt) {
      const request = ReviewRequestSchema.parse(interrupt.value);
      if (job.kind === 'start') {
        // A retry after a crash between the interrupt and its bookkeeping.
        await this.reviews.recordInterrupt(request);
        return 'awaiting_review';
      }
      const decision = await this.resumeValue(job.decisionId);
      if (decision.round !== request.round) return 'stale decision';
      input = new Command({ resume: decision });
    } else if (snapshot.next.length > 0 || snapshot.tasks.length > 0) {
      // Unfinished: continue from the last checkpoint. Tasks with no `next` means a step
      // whose nodes finished (their writes are saved) but whose checkpoint was not yet written.
      input = null;
    } else {
      return this.settle(runId, snapshot.values);
    }

    await this.runs.transition(this.dataSource.manager, runId, 'running');
    await this.dataSource.getRepository(WorkflowRunEntity).update({ id: runId }, { modelName: this.triage.model.name });
    const recorder = this.observer.recorder(this.triage.model.name);
    let stepStartedAt = new Date();
    try {
      // durability "sync": each step's checkpoint is committed before the next step
      // starts, so a crash at any line resumes from the step it was in.
      for await (const update of await graph.stream(input, {
        ...config,
        streamMode: 'updates',
        durability: 'sync',
        callbacks: [recorder],
      })) {
        const now = new Date();
        for (const node of Object.keys(update)) {
          if (node === '__interrupt__') continue;
          // The node's own timing from the callbacks; the time between updates only if it is missing.
          const { startedAt, finishedAt } = recorder.takeNodeTiming(node) ?? {
            startedAt: stepStartedAt,
            finishedAt: now,
          };
          await this.runs.recordStep(runId, node, startedAt, finishedAt);
          await this.observer.stepFinished(runId, node, startedAt, finishedAt, recorder);
        }
        stepStartedAt = now;
      }
    } finally {
      await this.observer.flush(runId, recorder);
    }
    const after = await graph.getState(config);
    await this.saveProgress(runId, after.values);
    const raised = after.tasks.flatMap((task) => task.interrupts)[0];
    if (raised) {
      await this.reviews.recordInterrupt(ReviewRequestSchema.parse(raised.value));
      return 'awaiting_review';
    }
    return this.settle(runId, after.values);
  }

  /** Applies a finished graph's outcome to our tables. Idempotent. */
  private async settle(runId: string, state: TriageState): Promise<string> {
    this.tracing.startSpan('decision', { 'handoff.run_id': runId, 'handoff.outcome': state.outcome ?? 'none' }).end();
    if (state.outcome === 'rejected') {
      await this.runs.transition(this.dataSource.manager, runId, 'rejected');
      return 'rejected';
    }
    if (state.outcome === 'auto_send' || state.outcome === 'approved') {
      const outbound = await this.dataSource
        .getRepository(OutboundMessageEntity)
        .findOne({ where: { runId, kind: 'reply' } });
      if (!outbound && (await this.takesNoReply(runId))) {
        // Reply channel "none": the answer is kept on the run and its decision; there is nowhere to post it.
        await this.runs.transition(this.dataSource.manager, runId, 'answered');
        return state.outcome;
      }
      if (!outbound) throw new Error(`run ${runId} ended with ${state.outcome} but has no outbox row`);
      if (outbound.status === 'pending') {
        await this.runs.transition(this.dataSource.manager, runId, 'sending');
        await this.jobs.enqueue(JOBS.deliverReply, { outboundId: outbound.id });
      }
      return state.outcome;
    }
    throw new Error(`run ${runId} ended without an outcome`);
  }

  private async takesNoReply(runId: string): Promise<boolean> {
    const run = await this.dataSource.getRepository(WorkflowRunEntity).findOneOrFail({ where: { id: runId } });
    const event = await this.dataSource.getRepository(InboundEventEntity).findOneOrFail({ where: { id: run.eventId } });
    return event.replyChannel?.channel === 'none';
  }

  private async saveProgress(runId: string, state: TriageState): Promise<void> {
    await this.dataSource.getRepository(WorkflowRunEntity).update(
      { id: runId },
      {
        classification: state.classification,
        draft: state.draftText || null,
        confidence: state.classification ? state.confidence : null,
        confidenceReasons: state.confidenceReasons,
        reviewReasons: state.reviewReasons,
      },
    );
  }

  private async messageFor(eventId: string): Promise<InboundMessage> {
    const event = await this.dataSource.getRepository(InboundEventEntity).findOneOrFail({ where: { id: eventId } });
    return {
      eventId: event.id,
      ...(event.messageId ? { messageId: event.messageId } : {}),
      from: { address: event.fromAddress, ...(event.fromName ? { name: event.fromName } : {}) },
      to: event.to,
      cc: event.cc,
      subject: event.subject,
      text: event.textBody,
      receivedAt: event.receivedAt.toISOString(),
      attachments: event.attachments,
      thread: await threadHistory(this.dataSource.manager, event, this.config.MAIL_FROM),
    };
  }

  private async resumeValue(decisionId: string): Promise<ResumeDecision> {
    const decision = await this.dataSource
      .getRepository(ReviewDecisionEntity)
      .findOneOrFail({ where: { id: decisionId } });
    const who = { actor: decision.actor, surface: decision.surface, round: decision.round };
    switch (decision.action) {
      case 'approve':
        return { action: 'approve', ...who };
      case 'edit':
        return { action: 'edit', text: decision.finalText ?? '', ...who };
      case 'reject':
        return { action: 'reject', reason: decision.reason ?? '', ...who };
      case 'redraft':
        return { action: 'redraft', feedback: decision.feedback ?? '', ...who };
    }
  }

  /**
   * One execution per thread: a session-level advisory lock on a dedicated
   * connection. If the process dies, Postgres drops the connection and the lock.
   */
  private async withRunLock<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      const [{ locked }] = await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        runId,
      ]);
      if (!locked) throw new RunBusyError(`run ${runId} is being executed elsewhere`, BUSY_RETRY_MS);
      try {
        return await work();
      } finally {
        await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [runId]);
      }
    } finally {
      await connection.release();
    }
  }
}
