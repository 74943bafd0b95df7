import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FollowUps } from '@handoff/graphs';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { OutboxRepository } from '../delivery/outbox.repository';
import { ReviewsService } from '../reviews/reviews.service';
import { WaitAndRetryError } from './errors';
import { followUpPolicyFor } from './follow-up-policy';
import { RUN_INPUTS, type RunInputs } from './ports';
import { isFinalRunStatus } from './run-status';
import { RunRepository } from './run.repository';
import { RunsService } from './runs.service';

/** How often a follow-up under policy `queue` looks again whether the earlier run of its conversation ended. */
const QUEUE_RECHECK_MS = 2_000;

/** The follow-up waits its turn (policy queue); its job is parked without spending an attempt. */
export class FollowUpWaitsError extends WaitAndRetryError {}

/**
 * One conversation, one run at a time. A run's follow_up step asks here, once its message is classified,
 * whether an earlier run of the same conversation is still open, and applies FOLLOW_UP_POLICY for the new
 * message's category: supersede the earlier runs (their pending reviews close as superseded, an unsent reply
 * is withdrawn) and answer; queue behind them; or ignore the new message. The decision is stored on the run
 * in the same transaction as its effects, under the conversation's lock, so a repeat after a crash decides
 * the same way and a delivery's last check of the conversation sees all or none of it.
 */
@Injectable()
export class FollowUpsService implements FollowUps {
  private readonly logger = new Logger(FollowUpsService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly runRepository: RunRepository,
    private readonly runs: RunsService,
    @Inject(RUN_INPUTS) private readonly inputs: RunInputs,
    private readonly reviews: ReviewsService,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async decide(runId: string, category: string): Promise<'answer' | 'ignore'> {
    const verdict = await this.uow.run(async (tx): Promise<'answer' | 'ignore' | 'wait'> => {
      await this.inputs.lockConversationOfRun(tx, runId);
      const run = await this.runRepository.lock(tx, runId);
      if (!run) throw new Error(`run ${runId} not found`);
      const earlier = await this.inputs.openEarlierRuns(tx, runId);
      switch (run.followUp) {
        case 'ignore':
          return 'ignore';
        case 'queue':
          return earlier.length > 0 ? 'wait' : 'answer';
        case 'supersede':
        case 'none':
          return 'answer';
        case null:
          break;
      }
      if (earlier.length === 0) {
        await this.runRepository.setFollowUp(tx, runId, 'none');
        return 'answer';
      }
      const policy = followUpPolicyFor(this.config.FOLLOW_UP_POLICY, category);
      await this.runRepository.setFollowUp(tx, runId, policy);
      const superseded: string[] = [];
      if (policy === 'supersede') {
        for (const earlierRunId of earlier)
          if (await this.supersede(tx, earlierRunId, runId)) superseded.push(earlierRunId);
      }
      await this.audit.record(tx, {
        actor: 'system',
        action: `run.follow_up.${policy}`,
        entityType: 'run',
        entityId: runId,
        data: { category, openRuns: earlier, superseded },
      });
      this.logger.log({ msg: 'customer wrote again', runId, policy, openRuns: earlier.length });
      return policy === 'supersede' ? 'answer' : policy === 'queue' ? 'wait' : 'ignore';
    });
    if (verdict === 'wait') {
      throw new FollowUpWaitsError(`run ${runId} waits for the open run of its conversation`, QUEUE_RECHECK_MS);
    }
    return verdict;
  }

  /**
   * Ends an open run because its customer wrote again: its reply, if one is requested but not yet claimed by
   * a sender, is withdrawn; its pending review closes. A reply already being sent cannot be called back, so
   * that run is left to finish (the new message is then answered on its own). Locks task, then run, then
   * reply, as a decision does. Returns whether the run was superseded.
   */
  private async supersede(tx: Tx, runId: string, byRunId: string): Promise<boolean> {
    const task = await this.reviews.lockTaskOfRun(tx, runId);
    const run = await this.runRepository.lock(tx, runId);
    if (!run || isFinalRunStatus(run.status)) return false;
    const reply = await this.outbox.replyOf(runId, tx);
    if (reply && !(await this.outbox.move(tx, reply.id, 'superseded', { lastError: 'the customer wrote again' }))) {
      return false;
    }
    await this.runs.transition(tx, runId, 'superseded', { supersededBy: byRunId });
    if (task) await this.reviews.closeSuperseded(tx, task.id, runId, byRunId);
    await this.audit.record(tx, {
      actor: 'system',
      action: 'run.superseded',
      entityType: 'run',
      entityId: runId,
      data: { supersededBy: byRunId, ...(reply ? { withdrawnReply: reply.id } : {}) },
    });
    return true;
  }
}
