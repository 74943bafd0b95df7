import { Inject, Injectable, Logger } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';

/** Bound on one look-up (connect, search, logout): a slow server leaves the reply uncertain, to be tried again. */
const LOOKUP_TIMEOUT_MS = 15_000;

/**
 * The mail server's own record of what it accepted from us: the IMAP_SENT_FOLDER mailbox, searched
 * for a reply's deterministic Message-ID. Off (enabled false) unless IMAP_SENT_FOLDER is set. One
 * short connection per look-up: uncertain replies are rare, so nothing is kept open.
 */
@Injectable()
export class SentFolderService {
  private readonly logger = new Logger(SentFolderService.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.IMAP_SENT_FOLDER && this.config.IMAP_URL);
  }

  /** true when the folder holds a message with this Message-ID, false when it does not, null when it cannot tell. */
  async contains(messageId: string): Promise<boolean | null> {
    if (!this.enabled) return null;
    const target = new URL(this.config.IMAP_URL!);
    const secure = target.protocol === 'imaps:';
    const client = new ImapFlow({
      host: target.hostname,
      port: target.port ? Number(target.port) : secure ? 993 : 143,
      secure,
      auth: { user: this.config.IMAP_USER!, pass: this.config.IMAP_PASSWORD! },
      logger: false,
      connectionTimeout: LOOKUP_TIMEOUT_MS,
      socketTimeout: LOOKUP_TIMEOUT_MS,
    });
    client.on('error', () => undefined); // reported through the failed call below
    try {
      await client.connect();
      const lock = await client.getMailboxLock(this.config.IMAP_SENT_FOLDER!, { readOnly: true });
      try {
        const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
        return Array.isArray(uids) && uids.length > 0;
      } finally {
        lock.release();
      }
    } catch (error) {
      this.logger.warn(
        `could not search ${this.config.IMAP_SENT_FOLDER} for an uncertain reply: ${(error as Error).message}`,
      );
      return null;
    } finally {
      await client.logout().catch(() => undefined);
    }
  }
}
