import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ReviewTaskEntity } from '../review-task.entity';

/** open: shows the round's draft and buttons · decided: shows the round's decision, no buttons. */
export type SlackMessageState = 'open' | 'decided';

/**
 * The Slack message of a review, one per review across redraft rounds. Written
 * after Slack answers, so the reconcile pass can tell which reviews still need
 * a message and which decisions Slack does not show yet.
 */
@Entity({ name: 'slack_messages' })
export class SlackMessageEntity {
  @PrimaryColumn({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @OneToOne(() => ReviewTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'review_id', foreignKeyConstraintName: 'fk_slack_messages_review' })
  review?: ReviewTaskEntity;

  @Column({ type: 'varchar', length: 32 })
  channel: string;

  /** Slack's message timestamp: the message's id within its channel. */
  @Column({ type: 'varchar', length: 32 })
  ts: string;

  /** The review round the message shows. */
  @Column({ type: 'int' })
  round: number;

  @Column({ type: 'varchar', length: 16 })
  state: SlackMessageState;

  /** When the review's threaded reminder was posted; set once, so there is one reminder per review. */
  @Column({ name: 'reminder_posted_at', type: 'timestamptz', nullable: true })
  reminderPostedAt: Date | null;

  /** When the past-due escalation was posted; set once. */
  @Column({ name: 'escalation_posted_at', type: 'timestamptz', nullable: true })
  escalationPostedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
