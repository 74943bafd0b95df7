import { UnparseableEmailError } from './parsed-email';

export const MAX_MIME_DEPTH = 10;
export const MAX_MIME_PARTS = 200;
export const MAX_RECIPIENTS = 100;

// RFC 2046 boundary characters, at most 70, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function param(value: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;]+))`, 'i').exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Refuses MIME that mailparser would accept by guessing: malformed or injected header lines,
 * multiparts without a valid boundary or closing delimiter (truncated), nesting or part counts
 * beyond our limits, and charsets we cannot decode. Works on bytes (latin1) so nothing is lost.
 */
export function checkMimeStructure(raw: Buffer): void {
  let parts = 0;
  const walk = (entity: string, depth: number): void => {
    if (depth > MAX_MIME_DEPTH) throw new UnparseableEmailError(`MIME nesting deeper than ${MAX_MIME_DEPTH} levels`);
    if (++parts > MAX_MIME_PARTS) throw new UnparseableEmailError(`more than ${MAX_MIME_PARTS} MIME parts`);
    const end = /\r?\n\r?\n/.exec(entity);
    const headerBlock = end ? entity.slice(0, end.index) : entity;
    const body = end ? entity.slice(end.index + end[0].length) : '';
    const headers = new Map<string, string>();
    for (const line of headerBlock.split(/\r?\n(?![ \t])/)) {
      if (line === '') continue;
      if (/\r(?!\n)/.test(line)) throw new UnparseableEmailError('a header contains a bare CR');
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      if (colon <= 0 || !HEADER_NAME.test(name))
        throw new UnparseableEmailError(`malformed header line "${line.slice(0, 40)}"`);
      if (!headers.has(name.toLowerCase()))
        headers.set(
          name.toLowerCase(),
          line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
        );
    }
    const contentType = headers.get('content-type') ?? '';
    const charset = param(contentType, 'charset');
    if (charset) {
      try {
        new TextDecoder(charset);
      } catch {
        throw new UnparseableEmailError(`unsupported charset "${charset.slice(0, 40)}"`);
      }
    }
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (type === 'message/rfc822') return walk(body, depth + 1);
    if (!type.startsWith('multipart/')) return;
    const boundary = param(contentType, 'boundary');
    if (!boundary || !BOUNDARY.test(boundary)) throw new UnparseableEmailError('multipart without a valid boundary');
    const delimiter = new RegExp(`(?:^|\\r?\\n)--${escape(boundary)}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
    const marks = [...body.matchAll(delimiter)];
    const closing = marks.findIndex((mark) => mark[1] === '--');
    if (marks.length < 2 || closing < 1)
      throw new UnparseableEmailError('multipart is truncated (no closing boundary)');
    for (let index = 0; index < closing; index++) {
      const start = marks[index]!.index + marks[index]![0].length;
      walk(body.slice(start, marks[index + 1]!.index).replace(/^\r?\n/, ''), depth + 1);
    }
  };
  walk(raw.toString('latin1'), 0);
}
