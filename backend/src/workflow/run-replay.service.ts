import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/domain-errors';
import { UnitOfWork } from '../database/unit-of-work';
import { OutboxRepository } from '../delivery/outbox.repository';
import { OutboxService } from '../delivery/outbox.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';

/**
 * Replays failed runs ("dead letters"). A replay continues from the run's last
 * checkpoint; the one-row-per-run outbox means it can never send a second
 * reply, and a reply whose outcome is unknown is never replayed.
 */
@Injectable()
export class RunReplayService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly runRepository: RunRepository,
    private readonly runs: RunsService,
    private readonly outboxRepository: OutboxRepository,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueueService,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Reopens a failed run. A run whose reply the server refused is re-sent;
   * any other run continues its graph from the last checkpoint. If the job
   * cannot be queued now, the sweeper queues it (the row says queued, not enqueued).
   */
  async replay(runId: string, actor: string): Promise<{ runId: string; status: 'queued' | 'sending' }> {
    const outcome = await this.uow.run(async (tx) => {
      const run = await this.runRepository.lock(tx, runId);
      if (!run) throw new NotFoundError(`run ${runId} not found`);
      if (run.status !== 'failed') throw new ConflictError(`run ${runId} is ${run.status}, not failed`);
      if (run.checkpointsPrunedAt) {
        throw new UnprocessableError('the run is past its replay window: its checkpoints were pruned');
      }
      const reply = await this.outboxRepository.replyOf(runId, tx);
      if (reply && reply.status !== 'failed') {
        throw new UnprocessableError(
          reply.status === 'uncertain'
            ? 'the reply may already have gone out (a sender stopped mid-send), so it is never replayed'
            : `the reply is ${reply.status}; there is nothing to replay`,
        );
      }
      // The server refused it, so it never went out: send it again.
      if (reply) await this.outbox.reopenRefused(tx, reply.id);
      const status = reply ? 'sending' : 'queued';
      await this.runs.transition(tx, runId, status, { error: null, failedStep: null, enqueuedAt: null });
      await this.audit.record(tx, {
        actor,
        action: 'run.replayed',
        entityType: 'run',
        entityId: runId,
        data: { status },
      });
      return { status, outboundId: reply?.id } as const;
    });
    if (outcome.outboundId) await this.jobs.enqueue(JOBS.deliverReply, { outboundId: outcome.outboundId });
    else await this.runs.enqueue(runId);
    return { runId, status: outcome.status };
  }
}
