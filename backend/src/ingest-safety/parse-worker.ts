import { parentPort } from 'node:worker_threads';
import { convert } from 'html-to-text';
import { parseMime } from '../ingest/mime';
import type { ParsedEmail } from '../ingest/parsed-email';
import { flattenHtml, stripTags } from './bounded-html';
import type { WorkerReply } from './worker-pool';

/** The work that may cost more than its input's size suggests, done here and never on the event loop. */
export type ParseTask =
  | { kind: 'html'; html: string; wantText: boolean }
  | { kind: 'strip'; html: string }
  | { kind: 'mime'; raw: Uint8Array };

/** HTML within the structure limits, and its text when asked for. */
export interface RenderedHtml {
  html: string;
  text?: string;
  flattened: boolean;
}

async function perform(task: ParseTask): Promise<RenderedHtml | ParsedEmail | string> {
  switch (task.kind) {
    case 'html': {
      const { html, flattened } = flattenHtml(task.html);
      return { html, flattened, ...(task.wantText ? { text: convert(html, { wordwrap: false }) } : {}) };
    }
    case 'strip':
      return stripTags(task.html);
    case 'mime':
      return await parseMime(Buffer.from(task.raw.buffer, task.raw.byteOffset, task.raw.byteLength));
  }
}

parentPort!.on('message', (task: ParseTask) => {
  void perform(task)
    .then(
      (value: unknown): WorkerReply<unknown> => ({ ok: true, value }),
      (error: Error): WorkerReply<unknown> => ({ ok: false, name: error.constructor.name, message: error.message }),
    )
    .then((reply) => parentPort!.postMessage(reply));
});
