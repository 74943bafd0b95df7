import type { Logger } from '@nestjs/common';
import { Client } from 'pg';

const RECONNECT_MS = 1_000;

/**
 * One dedicated connection that LISTENs on `channels` and hands every notification to `onNotification`,
 * reconnecting after a loss. Notifications sent while it is disconnected are lost: callers must cope.
 */
export class PgListener {
  private client?: Client;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly channels: string[],
    private readonly onNotification: (channel: string, payload: string) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'handoff-listen' });
    client.on('notification', ({ channel, payload }) => this.onNotification(channel, payload ?? ''));
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection lost: ${error.message}`);
      this.reconnectLater();
    });
    this.client = client;
    await client.connect();
    for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
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
