import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../common/domain-errors';
import busboy from 'busboy';
import type { AttachmentMeta } from '@handoff/contracts';

export interface FormFile extends AttachmentMeta {
  field: string;
  /** Kept only when the caller asked for this field's bytes (e.g. a raw MIME upload). */
  content?: Buffer;
}

/** A parsed form: field bytes as sent, decoded on read in the charset the sender declares. */
export class FormData {
  constructor(
    private readonly fields: Map<string, Buffer>,
    readonly files: FormFile[],
  ) {}

  has(name: string): boolean {
    return this.fields.has(name);
  }

  bytes(name: string): Buffer | undefined {
    return this.fields.get(name);
  }

  text(name: string, charset = 'utf-8'): string | undefined {
    const bytes = this.fields.get(name);
    return bytes && decodeField(bytes, `form field "${name}"`, charset);
  }
}

const LIMITS = { fields: 200, files: 100, parts: 300, headerPairs: 100 };

/**
 * Parses a multipart/form-data or x-www-form-urlencoded body that is already in memory.
 * File contents are counted, not kept,
 * unless their field is listed in `keepFiles`.
 */
export async function parseForm(
  body: Buffer,
  contentType: string | undefined,
  keepFiles: string[] = [],
): Promise<FormData> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return parseUrlEncoded(body);
  if (!type.startsWith('multipart/form-data')) {
    throw new UnsupportedMediaTypeError('send multipart/form-data or application/x-www-form-urlencoded');
  }
  return new Promise<FormData>((resolve, reject) => {
    const fields = new Map<string, Buffer>();
    const files: FormFile[] = [];
    let failure: Error | undefined;
    const fail = (error: Error) => (failure ??= error);
    let parser: busboy.Busboy;
    try {
      // latin1 keeps every byte, so strictUtf8 can reject invalid UTF-8 instead of replacing it.
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: LIMITS,
        defCharset: 'latin1',
        defParamCharset: 'utf8',
      });
    } catch (error) {
      reject(new InvalidInputError(`malformed multipart body: ${(error as Error).message}`));
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated)
        fail(new PayloadTooLargeError(`form field "${name}" is too large`));
      else if (fields.has(name)) fail(new InvalidInputError(`form field "${name}" appears twice`));
      else fields.set(name, Buffer.from(value, 'latin1'));
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (keepFiles.includes(field)) chunks.push(chunk);
      });
      stream.on('close', () =>
        files.push({
          field,
          filename: (info.filename ?? 'unnamed').slice(0, 255),
          contentType: (info.mimeType || 'application/octet-stream').slice(0, 255),
          size,
          ...(keepFiles.includes(field) ? { content: Buffer.concat(chunks) } : {}),
        }),
      );
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => fail(new PayloadTooLargeError(`too many form parts (${limit.replace('Limit', '')})`)));
    }
    parser.on('error', (error: Error) => reject(new InvalidInputError(`malformed multipart body: ${error.message}`)));
    parser.on('close', () => (failure ? reject(failure) : resolve(new FormData(fields, files))));
    parser.end(body);
  });
}

function parseUrlEncoded(body: Buffer): FormData {
  const fields = new Map<string, Buffer>();
  for (const [name, value] of new URLSearchParams(decodeField(body, 'request body'))) {
    if (fields.has(name)) throw new InvalidInputError(`form field "${name}" appears twice`);
    fields.set(name, Buffer.from(value));
  }
  return new FormData(fields, []);
}

/** Decodes bytes in a named charset; unknown charsets are 415, bytes invalid in it are 400. */
export function decodeField(bytes: Buffer, what: string, charset = 'utf-8'): string {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new UnsupportedMediaTypeError(`unsupported charset "${charset}" for ${what}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new InvalidInputError(`${what} is not valid ${charset}`);
  }
}
