import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { Tx } from './unit-of-work';

const RECONNECT_MS = 1_000;

/** Sends a Postgres NOTIFY inside the transaction, so it goes out only if the change commits. */
export async function notify(tx: Tx, channel: string, payload: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * LISTENs on one dedicated connection and reconnects after losing it.
 * Notifications sent while disconnected are lost; readers refetch on reconnect.
 */
export class NotificationListener {
  private readonly logger = new Logger('Notifications');
  private client?: Client;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string | undefined) => void,
  ) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'handoff-listen' });
    client.on('notification', ({ payload }) => this.onPayload(payload));
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection lost: ${error.message}`);
      this.reconnectLater();
    });
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
  }

  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private reconnectLater(): void {
    if (this.closing) return;
    void this.client?.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.start().catch((error: Error) => {
        this.logger.warn(`LISTEN reconnect failed: ${error.message}`);
        this.reconnectLater();
      });
    }, RECONNECT_MS);
  }
}
