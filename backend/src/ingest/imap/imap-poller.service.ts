import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { isClientError } from '../../common/domain-errors';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { InboundService } from '../inbound.service';
import { emailFromMime } from '../providers/provider-email';

/** Flag left on a message we refused, so it is not fetched again and a person can find it. */
export const REJECTED_FLAG = '$HandoffRejected';

/**
 * Reads a mailbox (worker role, when IMAP_URL is set). New messages are noticed through IDLE
 * and, as a backstop, by a poll that also reconnects after silent drops. A message is marked
 * \Seen (or moved to IMAP_PROCESSED_FOLDER) only after it is stored, so a crash in between
 * means it is read again, and the Message-ID makes that a duplicate.
 */
@Injectable()
export class ImapPollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ImapPoller');
  private client?: ImapFlow;
  private timer?: NodeJS.Timeout;
  private working?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly inbound: InboundService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.IMAP_URL) return;
    this.timer = setInterval(() => this.wake(), this.config.IMAP_POLL_INTERVAL_MS);
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.working;
    await this.client?.logout().catch(() => undefined);
  }

  /** Runs one pass now, or once more after the current one: passes never overlap. */
  private wake(): void {
    if (this.stopped) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = this.pass()
      .catch((error: Error) => this.logger.warn(`IMAP pass failed: ${error.message}`))
      .finally(() => {
        this.working = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async pass(): Promise<void> {
    const client = await this.connected();
    const lock = await client.getMailboxLock(this.config.IMAP_FOLDER);
    try {
      const uids = (await client.search({ seen: false, unKeyword: REJECTED_FLAG }, { uid: true })) || [];
      for (const uid of uids) {
        if (this.stopped) return;
        await this.processOne(client, uid);
      }
    } finally {
      lock.release();
    }
  }

  private async processOne(client: ImapFlow, uid: number): Promise<void> {
    // One byte past the cap is enough to refuse an oversized message (413) without downloading all of it.
    const source = { maxLength: this.config.MAX_MIME_BYTES + 1 };
    const message = await client.fetchOne(String(uid), { source }, { uid: true });
    if (!message || !message.source) return;
    try {
      await this.inbound.accept(await emailFromMime(message.source), 'imap');
    } catch (error) {
      // Mail we refuse would be refused again: flag it and move on. Anything else is retried next pass.
      if (!isClientError(error)) throw error;
      this.logger.warn(`refused message uid ${uid}: ${error.message}`);
      await client.messageFlagsAdd(String(uid), [REJECTED_FLAG, '\\Seen'], { uid: true });
      return;
    }
    if (this.config.IMAP_PROCESSED_FOLDER) {
      await client.messageMove(String(uid), this.config.IMAP_PROCESSED_FOLDER, { uid: true });
    } else {
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    }
  }

  /** The live connection, or a new one when the last one closed (including drops nobody announced). */
  private async connected(): Promise<ImapFlow> {
    if (this.client?.usable) {
      try {
        await this.client.noop();
        return this.client;
      } catch {
        this.logger.warn('IMAP connection lost; reconnecting');
      }
    }
    this.client?.close();
    const url = new URL(this.config.IMAP_URL!);
    const client = new ImapFlow({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'imaps:' ? 993 : 143),
      secure: url.protocol === 'imaps:',
      auth: { user: this.config.IMAP_USER!, pass: this.config.IMAP_PASSWORD! },
      logger: false,
    });
    client.on('error', (error: Error) => this.logger.warn(`IMAP: ${error.message}`));
    client.on('exists', () => this.wake());
    client.on('close', () => {
      if (!this.stopped) this.wake();
    });
    await client.connect();
    if (this.config.IMAP_PROCESSED_FOLDER) {
      await client.mailboxCreate(this.config.IMAP_PROCESSED_FOLDER).catch(() => undefined);
    }
    // Keeping the folder open lets the server push EXISTS while the client idles.
    await client.mailboxOpen(this.config.IMAP_FOLDER);
    this.client = client;
    return client;
  }
}
