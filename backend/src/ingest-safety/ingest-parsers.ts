import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PayloadTooLargeError } from '../common/domain-errors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnparseableEmailError, type ParsedEmail } from '../ingest/parsed-email';
import type { ParseTask, RenderedHtml } from './parse-worker';
import { TaskError, TaskTimeoutError, WorkerFailedError, WorkerPool } from './worker-pool';

const logger = new Logger('IngestParsers');

interface ParseSettings {
  workers: number;
  timeoutMs: number;
  maxMimeBytes: number;
}

/**
 * The parse workers are a process-wide resource, like the libuv thread pool: every channel's parser
 * (plain functions, called from controllers, providers and listeners) shares them. Each booted
 * service holds them while it runs; the last one to stop terminates them.
 */
let settings: ParseSettings = { workers: 2, timeoutMs: 5_000, maxMimeBytes: 10 * 1024 * 1024 };
let pool: WorkerPool | undefined;
let holders = 0;

const workers = () =>
  (pool ??= new WorkerPool(join(__dirname, 'parse-worker.js'), {
    size: settings.workers,
    timeoutMs: settings.timeoutMs,
    // A worker that runs out of memory dies alone; the process and the other workers carry on.
    resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 8 },
  }));

/** Starts and stops the parse workers with the service, sized by INGEST_PARSE_* and MAX_MIME_BYTES. */
@Injectable()
export class ParseWorkersLifecycle implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    settings = {
      workers: config.INGEST_PARSE_WORKERS,
      timeoutMs: config.INGEST_PARSE_TIMEOUT_MS,
      maxMimeBytes: config.MAX_MIME_BYTES,
    };
    holders++;
  }

  async onApplicationShutdown(): Promise<void> {
    if (--holders > 0) return;
    const closing = pool;
    pool = undefined;
    await closing?.close();
  }
}

export interface BoundedHtml {
  /** The HTML within the structure limits; undefined when it could not be bounded in time (its text is kept). */
  html?: string;
  text?: string;
}

/**
 * HTML as we store and show it: flattened beyond the depth and element limits, converted to text when
 * `wantText`, all off the event loop. When that runs out of time or its worker dies, the HTML is not
 * kept and the text comes from a linear tag stripper (in a worker too): a hostile body never fails
 * the message and never costs the event loop anything.
 */
export async function boundedHtml(html: string, wantText: boolean): Promise<BoundedHtml> {
  try {
    const rendered = await workers().run<RenderedHtml>({ kind: 'html', html, wantText } satisfies ParseTask);
    if (rendered.flattened) logger.warn({ msg: 'HTML body flattened to the structure limits', chars: html.length });
    return { html: rendered.html, ...(wantText ? { text: rendered.text ?? '' } : {}) };
  } catch (error) {
    logger.warn({ msg: 'HTML body not converted; keeping its text only', reason: (error as Error).message });
    return wantText ? { text: await strippedText(html) } : {};
  }
}

async function strippedText(html: string): Promise<string> {
  try {
    return await workers().run<string>({ kind: 'strip', html } satisfies ParseTask);
  } catch (error) {
    logger.warn({ msg: 'HTML body not even stripped of tags; stored without text', reason: (error as Error).message });
    return '';
  }
}

/**
 * Raw RFC 5322 bytes → ParsedEmail in a worker, within MAX_MIME_BYTES (413) and the time budget
 * (UnparseableEmailError, a 4xx for every channel), with the HTML body bounded as above.
 */
export async function parseMimeSafely(raw: Buffer): Promise<ParsedEmail> {
  if (raw.length > settings.maxMimeBytes) {
    throw new PayloadTooLargeError(
      `the message is ${raw.length} bytes; raw MIME is accepted up to ${settings.maxMimeBytes} bytes`,
    );
  }
  let email: ParsedEmail;
  try {
    email = await workers().run<ParsedEmail>({ kind: 'mime', raw } satisfies ParseTask);
  } catch (error) {
    if (error instanceof TaskError) throw new UnparseableEmailError(error.message);
    if (error instanceof TaskTimeoutError || error instanceof WorkerFailedError) {
      throw new UnparseableEmailError(`the message is too complex to parse (${error.message})`);
    }
    throw error;
  }
  if (email.html === undefined) return email;
  const rendered = await boundedHtml(email.html, email.text === '');
  return { ...email, html: rendered.html, text: email.text || (rendered.text ?? '') };
}
