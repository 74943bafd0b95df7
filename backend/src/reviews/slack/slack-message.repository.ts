import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SlackMessageEntity } from './slack-message.entity';

type SlackMessageChange = Partial<
  Pick<SlackMessageEntity, 'round' | 'state' | 'reminderPostedAt' | 'escalationPostedAt'>
>;

/**
 * Owns slack_messages: what Slack already shows for each review. The reconcile
 * reads join review_tasks (its main source of truth) read-only.
 */
@Injectable()
export class SlackMessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get messages() {
    return this.dataSource.getRepository(SlackMessageEntity);
  }

  find(reviewId: string): Promise<SlackMessageEntity | null> {
    return this.messages.findOne({ where: { reviewId } });
  }

  async add(message: Pick<SlackMessageEntity, 'reviewId' | 'channel' | 'ts' | 'round' | 'state'>): Promise<void> {
    await this.messages.insert(message);
  }

  async update(reviewId: string, change: SlackMessageChange): Promise<void> {
    await this.messages.update({ reviewId }, change);
  }

  /** Pending reviews Slack does not show (or shows an older round of). */
  unposted(graceSeconds: number, limit: number): Promise<{ id: string; round: number }[]> {
    return this.dataSource.query(
      `SELECT t.id, t.round FROM review_tasks t LEFT JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status = 'pending' AND (m.review_id IS NULL OR m.round < t.round)
          AND t.updated_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /** Decisions Slack does not show yet. */
  undecided(graceSeconds: number, limit: number): Promise<{ id: string; round: number }[]> {
    return this.dataSource.query(
      `SELECT t.id, t.round FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status IN ('decided', 'redrafting', 'superseded') AND m.state = 'open' AND m.round = t.round
          AND t.decided_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /** Fired reminders not yet posted in the review's thread. */
  unreminded(graceSeconds: number, limit: number): Promise<{ id: string }[]> {
    return this.dataSource.query(
      `SELECT t.id FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.status = 'pending' AND t.reminded_at IS NOT NULL AND m.reminder_posted_at IS NULL
          AND t.updated_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /** Deadline actions taken but not yet posted to Slack. */
  unescalated(graceSeconds: number, limit: number): Promise<{ id: string }[]> {
    return this.dataSource.query(
      `SELECT t.id FROM review_tasks t JOIN slack_messages m ON m.review_id = t.id
        WHERE t.deadline_action_taken_at IS NOT NULL AND m.escalation_posted_at IS NULL
          AND t.updated_at < now() - make_interval(secs => $1)
        LIMIT $2`,
      [graceSeconds, limit],
    );
  }
}
