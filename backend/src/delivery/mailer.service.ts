import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { MailCatcher } from './mail-catcher';
import type { OutboundMessageEntity } from './outbound-message.entity';
import { ReplyDeliveryError, type HandOver, type ReplyTransport } from './reply-transport';

/** SMTP replies 5xx are permanent (RFC 5321 §4.2.1): retrying cannot help. */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The SMTP answer a failed send carried, if the server answered at all. */
function hasSmtpAnswer(error: unknown): boolean {
  return typeof (error as { responseCode?: unknown }).responseCode === 'number';
}

/** Where sendMail's data carries the message's hand-over for the stream plugin (nodemailer copies string keys only). */
const HAND_OVER = 'handoffHandOver';
type WithHandOver = SendMailOptions & { [HAND_OVER]?: HandOver };

/**
 * The message stream as the SMTP DATA stream reads it, ending only once the marker is committed.
 * nodemailer's DATA stream writes the final "." when this stream ends, and pipes it only after the
 * server took the envelope (MAIL FROM, RCPT TO); this stream is lazy, so nothing here runs before
 * that. So the marker is committed after the envelope and before the server can accept, and a
 * failed commit destroys the stream instead: the "." is never written and the server drops the message.
 */
function endingAfterHandOver(source: Readable, handOver: HandOver): Readable {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new Readable({
    read() {
      chunks
        .next()
        .then(
          async (next) => {
            if (!next.done) return void this.push(next.value);
            await handOver();
            this.push(null);
          },
          (error: Error) => this.destroy(error),
        )
        .catch((error: Error) => this.destroy(error));
    },
    destroy(error, done) {
      source.destroy();
      done(error);
    },
  });
}

/**
 * Sends replies over SMTP. With no SMTP_URL it starts the development mail
 * catcher on loopback and sends there, so nothing leaves the machine.
 */
@Injectable()
export class MailerService implements ReplyTransport, OnModuleInit, OnModuleDestroy {
  readonly channel = 'email' as const;
  private readonly logger = new Logger(MailerService.name);
  private transporter?: Transporter;
  readonly catcher?: MailCatcher;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (!config.SMTP_URL) this.catcher = new MailCatcher();
  }

  async onModuleInit(): Promise<void> {
    let url = this.config.SMTP_URL;
    if (this.catcher) {
      await this.catcher.start(this.config.DEV_MAIL_CATCHER_PORT);
      url = this.catcher.url;
      this.logger.warn(
        `SMTP_URL is not set: replies go to the development mail catcher at ${url} (listed at GET /api/v1/dev/mail)`,
      );
    }
    this.transporter = nodemailer.createTransport(url!);
    this.transporter.use('stream', (mail, done) => {
      const handOver = (mail.data as WithHandOver)[HAND_OVER];
      if (handOver) {
        // The SMTP transport reads the message with createReadStream once the envelope is accepted; our
        // wrapper must be the last stream, after nodemailer's own stages, which read ahead into buffers.
        const message = mail.message as unknown as { createReadStream(...args: unknown[]): Readable };
        const original = message.createReadStream.bind(message);
        message.createReadStream = (...args: unknown[]) => endingAfterHandOver(original(...args), handOver);
      }
      done();
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.transporter?.close();
    await this.catcher?.stop();
  }

  /**
   * Sends the reply; `handOver` is committed right before the final "." of DATA. A failure before that
   * point, or any SMTP answer, is known; a dropped connection after it leaves the outcome unknown.
   */
  async send(message: OutboundMessageEntity, handOver: HandOver): Promise<void> {
    if (!this.transporter) throw new ReplyDeliveryError('mailer is not started', 'temporary');
    if (!message.toAddress) throw new ReplyDeliveryError('an email reply has no recipient', 'permanent');
    let handedOver = false;
    try {
      await this.sendMail(message, message.toAddress, async () => {
        await handOver();
        handedOver = true;
      });
    } catch (error) {
      const kind = isPermanentSmtpFailure(error)
        ? 'permanent'
        : handedOver && !hasSmtpAnswer(error)
          ? 'unknown'
          : 'temporary';
      throw new ReplyDeliveryError((error as Error).message, kind);
    }
  }

  /**
   * A report of our own (the daily digest) to team addresses: a plain-text and an HTML part. Throws the
   * transport's error; the caller's job retries it.
   */
  async sendReport(report: { to: string[]; subject: string; text: string; html: string }): Promise<void> {
    if (!this.transporter) throw new Error('mailer is not started');
    await this.transporter.sendMail({
      from: { name: this.config.MAIL_FROM_NAME, address: this.config.MAIL_FROM },
      to: report.to,
      subject: report.subject,
      text: report.text,
      html: report.html,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  private async sendMail(message: OutboundMessageEntity, to: string, handOver: HandOver): Promise<void> {
    const options: WithHandOver = {
      [HAND_OVER]: handOver,
      from: { name: this.config.MAIL_FROM_NAME, address: this.config.MAIL_FROM },
      to,
      subject: message.subject,
      text: message.body,
      messageId: message.messageId,
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
      ...(message.references.length ? { references: message.references } : {}),
      headers: { 'Auto-Submitted': 'auto-replied' },
    };
    await this.transporter!.sendMail(options);
  }
}
