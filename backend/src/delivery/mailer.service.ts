import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { MailCatcher } from './mail-catcher';
import type { OutboundMessageEntity } from './outbound-message.entity';
import { ReplyDeliveryError, type ReplyTransport } from './reply-transport';

/** SMTP replies 5xx are permanent (RFC 5321 §4.2.1): retrying cannot help. */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
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
  }

  async onModuleDestroy(): Promise<void> {
    this.transporter?.close();
    await this.catcher?.stop();
  }

  async send(message: OutboundMessageEntity): Promise<void> {
    if (!this.transporter) throw new ReplyDeliveryError('mailer is not started', 'temporary');
    if (!message.toAddress) throw new ReplyDeliveryError('an email reply has no recipient', 'permanent');
    try {
      await this.sendMail(message, message.toAddress);
    } catch (error) {
      throw new ReplyDeliveryError((error as Error).message, isPermanentSmtpFailure(error) ? 'permanent' : 'temporary');
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

  private async sendMail(message: OutboundMessageEntity, to: string): Promise<void> {
    await this.transporter!.sendMail({
      from: { name: this.config.MAIL_FROM_NAME, address: this.config.MAIL_FROM },
      to,
      subject: message.subject,
      text: message.body,
      messageId: message.messageId,
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
      ...(message.references.length ? { references: message.references } : {}),
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
  }
}
