import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** 'hang-up' drops the connection without answering, as a receiver that dies mid-request would. */
export type CallbackAnswer = number | 'hang-up';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the Standard Webhooks signature verified with the receiver's secret. */
  verified: boolean;
  /** What the receiver answered. */
  answered: CallbackAnswer;
  payload: { type: string; timestamp: string; data: Record<string, string> } | undefined;
}

/**
 * A real HTTP server on loopback standing in for a help desk that takes our
 * answers. It verifies each signature with the `standardwebhooks` package, as
 * a receiver would, and answers from a script per original webhook-id (200 when
 * nothing is scripted).
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private readonly scripts = new Map<string, CallbackAnswer[]>();
  private readonly verifier: Webhook;
  private server?: Server;

  constructor(secret: string) {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = true;
        try {
          this.verifier.verify(body, request.headers as Record<string, string>);
        } catch {
          verified = false;
        }
        let payload: ReceivedCallback['payload'];
        try {
          payload = JSON.parse(body) as ReceivedCallback['payload'];
        } catch {
          payload = undefined;
        }
        const scripted = this.scripts.get(payload?.data['webhookId'] ?? '')?.shift();
        const answered: CallbackAnswer = !verified ? 401 : (scripted ?? 200);
        this.received.push({ headers: request.headers, body, verified, answered, payload });
        if (answered === 'hang-up') {
          request.socket.destroy();
          return;
        }
        response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'not taken');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/handoff-answers`;
  }

  /** The next answers to callbacks for the run started by webhook `webhookId`. */
  script(webhookId: string, ...answers: CallbackAnswer[]): void {
    this.scripts.set(webhookId, answers);
  }

  /** Every POST made for the run started by webhook `webhookId`. */
  callbacksFor(webhookId: string): ReceivedCallback[] {
    return this.received.filter((callback) => callback.payload?.data['webhookId'] === webhookId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
