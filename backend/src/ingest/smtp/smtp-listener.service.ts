import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { isClientError } from '../../common/domain-errors';
import { APP_CONFIG } from '../../config/config.module';
import { MAX_RECIPIENTS } from '../mime-structure';
import type { AppConfig } from '../../config/config.schema';
import { InboundService } from '../inbound.service';
import { emailFromMime } from '../providers/provider-email';

type SmtpError = Error & { responseCode: number };
const smtpError = (responseCode: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode });

/** Our refusals in SMTP terms: too large is 552, other bad mail 550 (do not retry), anything else 451 (retry later). */
export function smtpErrorFor(error: unknown): SmtpError {
  if (typeof (error as Partial<SmtpError>)?.responseCode === 'number') return error as SmtpError;
  if (isClientError(error)) return smtpError(error.kind === 'too_large' ? 552 : 550, error.message);
  return smtpError(451, 'temporary failure storing the message, try again later');
}

/**
 * Direct delivery over SMTP (worker role, when SMTP_LISTENER_PORT is set). The 250 is sent only after
 * the message is stored, so a sender that hears it never needs to resend, and one that does not will.
 */
@Injectable()
export class SmtpListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SmtpListener');
  private server?: SMTPServer;

  constructor(
    private readonly inbound: InboundService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get maxMessageBytes(): number {
    return Math.min(this.config.MAX_BODY_BYTES, this.config.MAX_MIME_BYTES);
  }

  /** The bound port (useful with SMTP_LISTENER_PORT=0), or undefined when the listener is off. */
  get port(): number | undefined {
    return (this.server as unknown as { server?: { address(): AddressInfo | null } })?.server?.address()?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SMTP_LISTENER_PORT === undefined) return;
    this.server = new SMTPServer({
      banner: 'Handoff inbound',
      size: this.maxMessageBytes,
      authOptional: true,
      // Plain SMTP for an MTA or load balancer in front of us; no relaying, no logins.
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo: (_address, session, callback) =>
        callback(
          session.envelope.rcptTo.length >= MAX_RECIPIENTS
            ? smtpError(452, `too many recipients (at most ${MAX_RECIPIENTS})`)
            : undefined,
        ),
      onData: (stream, _session, callback) => {
        this.receive(stream).then(
          () => callback(),
          (error: unknown) => callback(smtpErrorFor(error)),
        );
      },
    });
    this.server.on('error', (error) => this.logger.warn(`SMTP listener: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.SMTP_LISTENER_PORT, this.config.SMTP_LISTENER_HOST, () => resolve());
    });
    this.logger.log(`SMTP listener on ${this.config.SMTP_LISTENER_HOST}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream): Promise<void> {
    const chunks: Buffer[] = [];
    // Past the limit smtp-server keeps reading (to answer 552 after DATA); we stop keeping.
    for await (const chunk of stream) if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw smtpError(552, `message exceeds the size limit of ${this.maxMessageBytes} bytes`);
    await this.inbound.accept(await emailFromMime(Buffer.concat(chunks)), 'smtp');
  }
}
