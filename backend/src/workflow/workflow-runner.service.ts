import { Inject, Injectable, Logger } from '@nestjs/common';
import { Command } from '@langchain/langgraph';
import { UnrecoverableError } from 'bullmq';
import type { TriageState } from '@handoff/graphs';
import { ReviewRequestSchema, type ReviewRequest } from '@handoff/contracts';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxRepository } from '../delivery/outbox.repository';
import { addToWorkContext } from '../observability/context';
import { MetricsService } from '../observability/metrics.service';
import { StepObserver } from '../observability/step-observer.service';
import { Tracing } from '../observability/tracing';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS, type JobPayload } from '../queue/jobs';
import { OnJob, type JobContext } from '../queue/on-job';
import { ReviewsService } from '../reviews/reviews.service';
import { LlmPermanentError, RunBusyError, WaitAndRetryError } from './errors';
import { RUN_INPUTS, type RunInputs } from './ports';
import { isFinalRunStatus } from './run-status';
import { RunLeases } from './run-leases.service';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';
import { TriageGraphService, type CompiledTriageGraph } from './triage-graph.service';

const BUSY_RETRY_MS = 1_000;

/** The run reached a final status while this execution was finishing it; undoes the transaction it is thrown in. */
class RunEndedError extends Error {}

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
    private readonly uow: UnitOfWork,
    private readonly leases: RunLeases,
    private readonly triage: TriageGraphService,
    private readonly runRepository: RunRepository,
    private readonly runs: RunsService,
    private readonly outbox: OutboxRepository,
    @Inject(RUN_INPUTS) private readonly inputs: RunInputs,
    private readonly reviews: ReviewsService,
    private readonly jobs: JobQueueService,
    private readonly observer: StepObserver,
    private readonly metrics: MetricsService,
    private readonly tracing: Tracing,
  ) {}

  @OnJob(JOBS.startRun, { ids: ({ runId }) => ({ runId }) })
  start({ runId }: JobPayload<typeof JOBS.startRun>, context: JobContext): Promise<string> {
    return this.runJob(runId, { kind: 'start' }, context);
  }

  @OnJob(JOBS.resumeRun, { ids: ({ runId }) => ({ runId }) })
  resume({ runId, decisionId }: JobPayload<typeof JOBS.resumeRun>, context: JobContext): Promise<string> {
    return this.runJob(runId, { kind: 'resume', decisionId }, context);
  }

  /** A run's job: busy or waiting is not a failure; a permanent LLM refusal or the last attempt fails the run. */
  private async runJob(runId: string, work: WorkflowJob, context: JobContext): Promise<string> {
    try {
      return await this.execute(runId, work);
    } catch (error) {
      // Not a failure: park the job without spending an attempt.
      if (error instanceof WaitAndRetryError) await context.retryAfter(error.retryAfterMs);
      const { job } = context;
      this.logger.warn(
        `run ${runId} job ${job.id} attempt ${job.attemptsMade + 1} failed: ${(error as Error).message}`,
      );
      if (error instanceof LlmPermanentError) {
        await this.markFailed(runId, error);
        throw new UnrecoverableError(error.message);
      }
      if (context.lastAttempt) await this.markFailed(runId, error as Error);
      throw error;
    }
  }

  async execute(runId: string, job: WorkflowJob): Promise<string> {
    // One execution per thread, however many jobs for the run are running, in however many workers.
    return this.leases.withLease(
      runId,
      (signal) => this.advance(runId, job, signal),
      async () => {
        if (!(await this.runRepository.find(runId))) return 'missing';
        throw new RunBusyError(`run ${runId} is being executed elsewhere`, BUSY_RETRY_MS);
      },
    );
  }

  /** Marks a run failed after its job used its last attempt; the error and step are kept for operators. */
  async markFailed(runId: string, error: Error): Promise<void> {
    const snapshot = await this.triage.graph.getState(this.threadConfig(runId));
    await this.runs.transition(this.uow.autocommit, runId, 'failed', {
      error: error.message.slice(0, 2_000),
      failedStep: snapshot.next[0] ?? null,
    });
  }

  private threadConfig(runId: string) {
    return { configurable: { thread_id: runId } };
  }

  private async advance(runId: string, job: WorkflowJob, signal: AbortSignal): Promise<string> {
    const run = await this.runRepository.find(runId);
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
      input = { runId };
      this.metrics.runsStarted.inc();
    } else if (interrupt) {
      const request = ReviewRequestSchema.parse(interrupt.value);
      if (job.kind === 'start') {
        // A retry after a crash between the interrupt and its bookkeeping.
        return this.openReview(run.eventId, request);
      }
      const decision = await this.reviews.resumeDecision(job.decisionId);
      if (decision.round !== request.round) return 'stale decision';
      input = new Command({ resume: decision });
    } else if (snapshot.next.length > 0 || snapshot.tasks.length > 0) {
      // Unfinished: continue from the last checkpoint. Tasks with no `next` means a step
      // whose nodes finished (their writes are saved) but whose checkpoint was not yet written.
      input = null;
    } else {
      return this.settle(runId, run.eventId, snapshot.values);
    }

    // The stored message goes to the nodes by reference (configurable), never into the checkpoints.
    const message = await this.inputs.messageFor(run.eventId);
    await this.runs.transition(this.uow.autocommit, runId, 'running');
    await this.runRepository.setModel(runId, this.triage.model.name);
    const recorder = this.observer.recorder(this.triage.model.name);
    let stepStartedAt = new Date();
    try {
      // durability "exit": one checkpoint when the graph stops (at the review interrupt or the end), not one per
      // step, which was most of a run's commits and checkpoint bytes. A crash mid-path resumes from the last
      // checkpoint (the input, or the interrupt) and repeats the steps after it: they are safe to repeat by
      // design (reads, LLM calls, and an outbox intent idempotent per run), so no reply is lost or doubled.
      for await (const update of await graph.stream(input, {
        configurable: { ...config.configurable, message },
        streamMode: 'updates',
        durability: 'exit',
        callbacks: [recorder],
        signal,
      })) {
        const now = new Date();
        for (const node of Object.keys(update)) {
          if (node === '__interrupt__') continue;
          // The node's own timing from the callbacks; the time between updates only if it is missing.
          const { startedAt, finishedAt } = recorder.takeNodeTiming(node) ?? {
            startedAt: stepStartedAt,
            finishedAt: now,
          };
          await this.runRepository.recordStep(runId, node, startedAt, finishedAt);
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
      return this.openReview(run.eventId, ReviewRequestSchema.parse(raised.value));
    }
    return this.settle(runId, run.eventId, after.values);
  }

  /**
   * Records the review the graph's interrupt asked for and parks the run on it. Idempotent. A run that ended
   * meanwhile (superseded: the customer wrote again while it drafted) opens no review: the transaction is undone.
   */
  private async openReview(eventId: string, request: ReviewRequest): Promise<string> {
    const origin = await this.inputs.originOf(eventId);
    try {
      await this.uow.run(async (tx) => {
        await this.reviews.recordInterrupt(tx, request, origin);
        if (!(await this.runs.transition(tx, request.runId, 'awaiting_review'))) throw new RunEndedError();
      });
    } catch (error) {
      if (!(error instanceof RunEndedError)) throw error;
      const run = await this.runRepository.get(request.runId);
      return `already ${run.status}`;
    }
    return 'awaiting_review';
  }

  /** Applies a finished graph's outcome to our tables. Idempotent. */
  private async settle(runId: string, eventId: string, state: TriageState): Promise<string> {
    // Superseded while the graph was finishing: the newer message's run answers the conversation.
    if ((await this.runRepository.get(runId)).status === 'superseded') return 'already superseded';
    this.tracing.startSpan('decision', { 'handoff.run_id': runId, 'handoff.outcome': state.outcome ?? 'none' }).end();
    if (state.outcome === 'ignored') {
      // A follow-up the conversation's policy lets go unanswered; its decision is on the run and in the audit.
      await this.runs.transition(this.uow.autocommit, runId, 'ignored');
      return 'ignored';
    }
    if (state.outcome === 'rejected') {
      await this.runs.transition(this.uow.autocommit, runId, 'rejected');
      return 'rejected';
    }
    if (state.outcome === 'auto_send' || state.outcome === 'approved') {
      const outbound = await this.outbox.replyOf(runId);
      if (!outbound && (await this.inputs.originOf(eventId)).takesNoReply) {
        // Reply channel "none": the answer is kept on the run and its decision; there is nowhere to post it.
        await this.runs.transition(this.uow.autocommit, runId, 'answered');
        return state.outcome;
      }
      if (!outbound) throw new Error(`run ${runId} ended with ${state.outcome} but has no outbox row`);
      if (outbound.status === 'pending') {
        await this.runs.transition(this.uow.autocommit, runId, 'sending');
        await this.jobs.enqueue(JOBS.deliverReply, { outboundId: outbound.id });
      }
      return state.outcome;
    }
    throw new Error(`run ${runId} ended without an outcome`);
  }

  private async saveProgress(runId: string, state: TriageState): Promise<void> {
    await this.runRepository.saveProgress(runId, {
      classification: state.classification,
      draft: state.draftText || null,
      confidence: state.classification ? state.confidence : null,
      confidenceReasons: state.confidenceReasons,
      reviewReasons: state.reviewReasons,
      // Absent in checkpoints written before the knowledge base.
      citations: state.citations ?? [],
      routing: state.routingRecord,
      // Absent in checkpoints written before model versions.
      modelVersion: state.modelVersion ?? null,
    });
  }
}
