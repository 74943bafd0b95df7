import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { EventsService } from '../events/events.service';
import { JobQueueService } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs';
import { WorkflowRunEntity } from '../runs/workflow-run.entity';

export interface DeadLetter {
  runId: string;
  eventId: string;
  from: string;
  subject: string;
  error: string | null;
  failedStep: string | null;
  failedAt: string | null;
  reply: { status: string } | null;
}

/**
 * Failed runs ("dead letters") and their replay. A replay continues from the
 * run's last checkpoint; the one-row-per-run outbox means it can never send a
 * second reply, and a reply whose outcome is unknown is never replayed.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueueService,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  async list(limit: number, before?: string): Promise<{ items: DeadLetter[]; nextBefore: string | null }> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r.id, r.event_id, e.from_address, e.subject, r.error, r.failed_step, r.finished_at, o.status AS reply_status
         FROM workflow_runs r
         JOIN inbound_events e ON e.id = r.event_id
         LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'
        WHERE r.status = 'failed' AND ($1::timestamptz IS NULL OR r.finished_at < $1)
        ORDER BY r.finished_at DESC
        LIMIT $2`,
      [before ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((row) => ({
      runId: row.id as string,
      eventId: row.event_id as string,
      from: row.from_address as string,
      subject: row.subject as string,
      error: row.error as string | null,
      failedStep: row.failed_step as string | null,
      failedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
      reply: row.reply_status ? { status: row.reply_status as string } : null,
    }));
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.failedAt : null };
  }

  /**
   * Reopens a failed run. A run whose reply the server refused is re-sent;
   * any other run continues its graph from the last checkpoint. If the job
   * cannot be queued now, the sweeper queues it (the row says queued, not enqueued).
   */
  async replay(runId: string, actor: string): Promise<{ runId: string; status: 'queued' | 'sending' }> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const run = await manager
        .getRepository(WorkflowRunEntity)
        .createQueryBuilder('run')
        .setLock('pessimistic_write')
        .where('run.id = :runId', { runId })
        .getOne();
      if (!run) throw new NotFoundException(`run ${runId} not found`);
      if (run.status !== 'failed') throw new ConflictException(`run ${runId} is ${run.status}, not failed`);
      if (run.checkpointsPrunedAt) {
        throw new UnprocessableEntityException('the run is past its replay window: its checkpoints were pruned');
      }
      const reply = await manager.findOne(OutboundMessageEntity, { where: { runId, kind: 'reply' } });
      if (reply && reply.status !== 'failed') {
        throw new UnprocessableEntityException(
          reply.status === 'uncertain'
            ? 'the reply may already have gone out (a sender stopped mid-send), so it is never replayed'
            : `the reply is ${reply.status}; there is nothing to replay`,
        );
      }
      if (reply) {
        // The server refused it, so it never went out: send it again.
        await manager.update(
          OutboundMessageEntity,
          { id: reply.id },
          { status: 'pending', nextAttemptAt: new Date(), lastError: null },
        );
      }
      const status = reply ? 'sending' : 'queued';
      await manager.update(
        WorkflowRunEntity,
        { id: runId },
        { status, error: null, failedStep: null, finishedAt: null, enqueuedAt: null },
      );
      await this.audit.record(manager, {
        actor,
        action: 'run.replayed',
        entityType: 'run',
        entityId: runId,
        data: { status },
      });
      return { status, outboundId: reply?.id } as const;
    });
    if (outcome.outboundId) await this.jobs.enqueue(JOBS.deliverReply, { outboundId: outcome.outboundId });
    else await this.events.enqueueRun(runId);
    return { runId, status: outcome.status };
  }
}
