import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReviewStreamEventSchema, type ReviewStreamEvent } from '@handoff/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { PgListener } from '../common/pg-listener';

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
  private readonly logger = new Logger('ReviewStream');
  private readonly listeners = new Set<StreamListener>();
  private pgListener?: PgListener;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async publish(
    manager: EntityManager,
    type: ReviewStreamEvent['type'],
    reviewId: string,
    details: Pick<ReviewStreamEvent, 'deadlineAction'> & { at?: Date } = {},
  ): Promise<void> {
    const { at = new Date(), ...rest } = details;
    const event: ReviewStreamEvent = { type, reviewId, at: at.toISOString(), ...rest };
    await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
  }

  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    if (this.config.APP_ROLE === 'worker') return;
    // Events published while disconnected are lost; the UI refetches the queue when its stream reconnects.
    this.pgListener = new PgListener(
      this.config.DATABASE_URL,
      [CHANNEL],
      (_channel, payload) => {
        const parsed = ReviewStreamEventSchema.safeParse(JSON.parse(payload || 'null'));
        if (parsed.success) for (const listener of this.listeners) listener.event(parsed.data);
      },
      this.logger,
    );
    await this.pgListener.start();
  }

  async onModuleDestroy(): Promise<void> {
    for (const listener of this.listeners) listener.close();
    this.listeners.clear();
    await this.pgListener?.stop();
  }
}
