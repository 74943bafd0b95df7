import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ReviewStreamEventSchema, type ReviewStreamEvent } from '@handoff/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { NotificationListener, notify } from '../database/notifications';
import type { Tx } from '../database/unit-of-work';

const CHANNEL = 'handoff_reviews';

export interface StreamListener {
  event(event: ReviewStreamEvent): void;
  /** The service is shutting down: end the stream so the HTTP server can close. */
  close(): void;
}

/**
 * Review changes for the UI's live queue. Services publish with pg_notify inside
 * their transaction, so an event goes out only if the change commits, and from
 * any process (the worker opens reviews); every API process LISTENs on one
 * dedicated connection and fans events out to its open streams.
 */
@Injectable()
export class ReviewStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Set<StreamListener>();
  private readonly listener: NotificationListener;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Events published while disconnected are lost; the UI refetches the queue when its stream reconnects.
    this.listener = new NotificationListener(config.DATABASE_URL, CHANNEL, (payload) => {
      const parsed = ReviewStreamEventSchema.safeParse(JSON.parse(payload ?? 'null'));
      if (parsed.success) for (const listener of this.listeners) listener.event(parsed.data);
    });
  }

  async publish(
    tx: Tx,
    type: ReviewStreamEvent['type'],
    reviewId: string,
    details: Pick<ReviewStreamEvent, 'deadlineAction'> & { at?: Date } = {},
  ): Promise<void> {
    const { at = new Date(), ...rest } = details;
    const event: ReviewStreamEvent = { type, reviewId, at: at.toISOString(), ...rest };
    await notify(tx, CHANNEL, JSON.stringify(event));
  }

  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    if (this.config.APP_ROLE !== 'worker') await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    for (const listener of this.listeners) listener.close();
    this.listeners.clear();
    await this.listener.stop();
  }
}
