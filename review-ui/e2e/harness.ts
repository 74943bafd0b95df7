import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { z } from 'zod';
import { RunDetailsSchema } from '@handoff/contracts';

/** Repository root (this file runs from review-ui/dist/e2e). */
export const ROOT = resolve(__dirname, '../../..');
const UI_DIR = join(ROOT, 'review-ui');

// The backend's compiled test support: loaded at run time so the UI build does not depend on the backend build.
const loadBackend = createRequire(__filename);

interface RunningService {
  url: string;
  close(): Promise<void>;
}
interface TestWorldLike {
  setUp(): Promise<void>;
  start(overrides?: Record<string, string>, options?: { clock?: { now(): Date } }): Promise<RunningService>;
  tearDown(): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
export interface CapturedMail {
  envelopeTo: string[];
  subject: string;
  text: string;
}
interface MailCatcherLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  list(): CapturedMail[];
  waitFor(predicate: (messages: CapturedMail[]) => boolean, timeoutMs?: number): Promise<CapturedMail[]>;
}

const { TestWorld, TEST_API_KEY, eventually } = loadBackend(
  join(ROOT, 'backend/dist/test/support/test-service.js'),
) as {
  TestWorld: new () => TestWorldLike;
  TEST_API_KEY: string;
  eventually: <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number) => Promise<T>;
};
/** The backend suite's SQL seeding (`backend/test/support/seed.ts`). */
export const { seedReviews, seedOverviewDataset, SEED_CATEGORIES } = loadBackend(
  join(ROOT, 'backend/dist/test/support/seed.js'),
) as {
  seedReviews: (
    db: { query: (sql: string, params: unknown[]) => Promise<unknown> },
    options: { count: number; status?: 'pending' | 'redrafting' | 'decided'; offset?: number },
  ) => Promise<void>;
  seedOverviewDataset: (query: (sql: string, params: unknown[]) => Promise<unknown>, day?: string) => Promise<void>;
  SEED_CATEGORIES: string[];
};
/** The backend suite's email factories (`backend/test/support/emails.ts`). */
const { complaintEmail } = loadBackend(join(ROOT, 'backend/dist/test/support/emails.js')) as {
  complaintEmail: (overrides?: Record<string, unknown>) => {
    messageId: string;
    from: { address: string; name: string };
    to: { address: string }[];
    subject: string;
    text: string;
  };
};
/** Standard Webhooks signing and the helpdesk source's secrets, as the backend's inbound tests use them. */
export const { standardWebhookHeaders } = loadBackend(
  join(ROOT, 'backend/dist/test/fixtures/inbound/providers.js'),
) as {
  standardWebhookHeaders: (secret: string, body: string, id?: string) => Record<string, string>;
};
export const { HELPDESK_SECRETS } = loadBackend(join(ROOT, 'backend/dist/test/fixtures/inbound/settings.js')) as {
  HELPDESK_SECRETS: string[];
};
/** Real time plus an offset the test moves forward, for `new Stack({ clock })`. */
export const { TestClock } = loadBackend(join(ROOT, 'backend/dist/test/support/test-clock.js')) as {
  TestClock: new () => { now(): Date; advanceMinutes(minutes: number): void };
};
const { MailCatcher } = loadBackend(join(ROOT, 'backend/dist/src/delivery/mail-catcher.js')) as {
  MailCatcher: new () => MailCatcherLike;
};

export const ADMIN = { email: 'admin@handoff.test', password: 'correct-horse-battery-staple', name: 'Admin' };

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The backend suite's poller, with the longer default a browser round trip needs. */
export function waitUntil<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  return eventually(probe, what, timeoutMs);
}

/** A loopback HTTP server standing in for an attacker's host: it records every request it gets. */
export class Trap {
  readonly hits: string[] = [];
  private server = createServer((request: IncomingMessage, response) => {
    this.hits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** `next start` of the built UI on `port` with `env`, once it answers. */
export async function startNextServer(
  port: number,
  env: { API_URL: string; PUBLIC_UI_URL: string },
): Promise<ChildProcess> {
  let recentLog = '';
  const ui = spawn(
    process.execPath,
    [loadBackend.resolve('next/dist/bin/next', { paths: [UI_DIR] }), 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: UI_DIR,
      env: { ...process.env, ...env, REVIEW_UI_PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) => {
    recentLog = (recentLog + chunk.toString()).slice(-20_000);
    if (process.env.TEST_LOGS) process.stderr.write(chunk);
  };
  ui.stdout?.on('data', keep);
  ui.stderr?.on('data', keep);
  await waitUntil(async () => {
    if (ui.exitCode !== null) throw new Error(`next start exited:\n${recentLog}`);
    const response = await fetch(`http://127.0.0.1:${port}/sign-in`);
    await response.body?.cancel();
    return response.status === 200 ? true : undefined;
  }, 'the review UI to answer');
  return ui;
}

export async function stopNextServer(ui: ChildProcess): Promise<void> {
  if (ui.exitCode !== null) return;
  const exited = new Promise((done) => ui.once('exit', done));
  ui.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
  if (ui.exitCode === null) ui.kill('SIGKILL');
}

/** The real backend (API + worker, own database), a loopback SMTP server, `next start` of the built UI, Chromium. */
export class Stack {
  readonly world = new TestWorld();
  readonly smtp = new MailCatcher();
  readonly trap = new Trap();
  backendUrl = '';
  uiUrl = '';
  browser!: Browser;
  private ui?: ChildProcess;

  /** `env` adds backend settings; `clock` replaces the backend's clock (deadlines without waiting hours). */
  constructor(private readonly options: { env?: Record<string, string>; clock?: { now(): Date } } = {}) {}

  async start(): Promise<void> {
    await this.world.setUp();
    await this.smtp.start();
    await this.trap.start();
    const uiPort = await freePort();
    this.uiUrl = `http://127.0.0.1:${uiPort}`;
    const backend = await this.world.start(
      {
        SMTP_URL: this.smtp.url,
        PUBLIC_UI_URL: this.uiUrl,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ...this.options.env,
      },
      { clock: this.options.clock },
    );
    this.backendUrl = backend.url;
    this.ui = await startNextServer(uiPort, { API_URL: this.backendUrl, PUBLIC_UI_URL: this.uiUrl });
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.ui) await stopNextServer(this.ui);
    await this.world.tearDown();
    await this.smtp.stop();
    await this.trap.stop();
  }

  /** Calls the backend directly as a machine client (API key). */
  async api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.backendUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    return { status: response.status, body: parsed as T };
  }

  /** Reads from the backend as a machine client; the answer must match its contract schema. */
  async read<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const response = await this.api('GET', path);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return schema.parse(response.body);
  }

  /** Posts an email through the real ingest route and waits until its run awaits review; returns the review id. */
  async pendingReview(email: Record<string, unknown>): Promise<{ reviewId: string; runId: string }> {
    const accepted = await this.api<{ runId: string }>('POST', '/api/v1/events/email', email);
    if (accepted.status !== 202)
      throw new Error(`ingest answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
    const runId = accepted.body.runId;
    const reviewId = await waitUntil(async () => {
      const run = await this.read(`/api/v1/runs/${runId}`, RunDetailsSchema);
      return run.status === 'awaiting_review' && run.reviewId ? run.reviewId : undefined;
    }, `run ${runId} to await review`);
    return { reviewId, runId };
  }

  async newPage(): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; requests: string[] }> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
    context.on('request', (request) => requests.push(request.url()));
    return { context, page, dialogs, requests };
  }

  async signIn(page: Page, account = ADMIN): Promise<void> {
    await page.goto(`${this.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/queue/);
  }
}

let counter = 0;
/** A complaint (always reviewed): the backend suite's factory, with a unique subject and sender. */
export function complaint(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  return complaintEmail({
    messageId: `<ui-${tag}@customer.example>`,
    from: { address: `customer-${tag}@customer.example`, name: `Casey ${tag}` },
    subject: `Complaint ${tag}: terrible service`,
    ...overrides,
  });
}
