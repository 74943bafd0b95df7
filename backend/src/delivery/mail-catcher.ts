import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | undefined;
  subject: string;
  from: string;
  to: string;
  inReplyTo: string | undefined;
  references: string[];
  autoSubmitted: string | undefined;
  text: string;
  /** The HTML part, when there is one (the digest has one; replies are plain text). */
  html: string;
  receivedAt: string;
  /** The message exactly as it arrived, headers included. */
  raw: string;
}

const MAX_KEPT = 1_000;

/**
 * A real SMTP server on loopback that keeps what it receives in memory: the
 * development mail catcher when no SMTP_URL is set, and the SMTP peer in tests.
 */
export class MailCatcher {
  private readonly messages: CapturedMail[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly refusals: { code: number; message: string }[] = [];
  private server?: SMTPServer;
  private boundPort = 0;

  /** Starts listening on 127.0.0.1; port 0 picks a free one. */
  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      banner: 'Handoff mail catcher',
      size: 25 * 1024 * 1024,
      logger: false,
      onData: (stream, session, callback) => {
        const refusal = this.refusals.shift();
        if (refusal) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code })));
          return;
        }
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          this.capture(raw, session.envelope).then(() => callback(), callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.boundPort = (this.server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.boundPort}`;
  }

  /** Answers the next `count` messages with an SMTP error (4xx temporary, 5xx permanent) instead of taking them. */
  refuseNext(count: number, code: number, message: string): void {
    for (let index = 0; index < count; index += 1) this.refusals.push({ code, message });
  }

  list(): CapturedMail[] {
    return [...this.messages];
  }

  /** Resolves with the captured messages once `predicate` holds, or rejects after `timeoutMs`. */
  async waitFor(predicate: (messages: CapturedMail[]) => boolean, timeoutMs = 15_000): Promise<CapturedMail[]> {
    if (predicate(this.messages)) return this.list();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.messages)) return;
        cleanup();
        resolve(this.list());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`mail catcher: condition not met within ${timeoutMs} ms (${this.messages.length} captured)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async capture(
    raw: Buffer,
    envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] },
  ) {
    const mail = await simpleParser(raw);
    const references =
      mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : [mail.references];
    this.messages.push({
      envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
      envelopeTo: envelope.rcptTo.map((recipient) => recipient.address),
      messageId: mail.messageId,
      subject: mail.subject ?? '',
      from: mail.from?.text ?? '',
      to: Array.isArray(mail.to) ? mail.to.map((to) => to.text).join(', ') : (mail.to?.text ?? ''),
      inReplyTo: mail.inReplyTo,
      references,
      autoSubmitted: mail.headers.get('auto-submitted')?.toString(),
      text: mail.text ?? '',
      html: typeof mail.html === 'string' ? mail.html : '',
      receivedAt: new Date().toISOString(),
      raw: raw.toString('utf8'),
    });
    if (this.messages.length > MAX_KEPT) this.messages.shift();
    for (const waiter of [...this.waiters]) waiter();
  }
}
