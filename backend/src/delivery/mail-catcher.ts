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

/** A pause in ms: fixed, or picked uniformly from [low, high) for each message. */
export type Pause = number | [low: number, high: number];
const pick = (pause: Pause) =>
  typeof pause === 'number' ? pause : pause[0] + Math.floor(Math.random() * (pause[1] - pause[0]));

/**
 * A real SMTP server on loopback that keeps what it receives in memory: the
 * development mail catcher when no SMTP_URL is set, and the SMTP peer in tests.
 */
export class MailCatcher {
  private readonly messages: CapturedMail[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly refusals: { code: number; message: string }[] = [];
  private readonly silences: { keep: boolean }[] = [];
  private pauses: { rcpt: Pause; data: Pause } = { rcpt: 0, data: 0 };
  /** Messages read in full and then never answered (`silenceNext`). */
  silenced = 0;
  /** Messages taken and not answered yet (inside their DATA pause), by the sender's local port. */
  private readonly unanswered = new Map<number, string | undefined>();
  /** Client connections that failed (reset, broken pipe) after the server started. */
  clientErrors = 0;
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
      onRcptTo: (_address, _session, callback) => {
        const pause = pick(this.pauses.rcpt);
        if (pause > 0) setTimeout(() => callback(), pause);
        else callback();
      },
      onData: (stream, session, callback) => {
        const silence = this.silences.shift();
        if (silence) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const kept = silence.keep ? this.capture(Buffer.concat(chunks), session.envelope) : Promise.resolve();
            void kept.then(() => (this.silenced += 1));
          });
          return; // never answered: the client waits until its connection goes
        }
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
          // Taken (kept) first, answered after the pause: a sender killed in between is in the acceptance window.
          this.capture(raw, session.envelope).then((messageId) => {
            const pause = pick(this.pauses.data);
            if (pause <= 0) return callback();
            this.unanswered.set(session.remotePort, messageId);
            setTimeout(() => {
              this.unanswered.delete(session.remotePort);
              callback();
            }, pause);
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    // Once listening, an error is a client's connection failing (a sender killed mid-DATA resets it): a mail
    // server outlives its clients, so it is counted, never thrown.
    this.server.on('error', () => (this.clientErrors += 1));
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

  /**
   * Pauses before answering RCPT TO (the sender has not handed the message over yet) and before
   * answering the end of DATA (the message is taken, the sender does not know yet), so kills land in both.
   */
  slowDown(pauses: { rcpt?: Pause; data?: Pause }): void {
    this.pauses = { rcpt: pauses.rcpt ?? 0, data: pauses.data ?? 0 };
  }

  /**
   * Reads the next `count` messages in full and never answers them, as a server that died (keep false)
   * or whose answer was lost (keep true) after the final "."; the test then cuts the connection.
   */
  silenceNext(count: number, options: { keep: boolean }): void {
    for (let index = 0; index < count; index += 1) this.silences.push(options);
  }

  /**
   * The messages this server has taken but not yet answered (paused by `slowDown`), with the sender's
   * local port: a sender stopped now is inside its acceptance window.
   */
  awaitingAnswer(): { messageId: string | undefined; senderPort: number }[] {
    return [...this.unanswered].map(([senderPort, messageId]) => ({ messageId, senderPort }));
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
  ): Promise<string | undefined> {
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
    return mail.messageId;
  }
}
