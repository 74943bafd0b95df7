import { UnprocessableError } from './domain-errors';

/** Opaque keyset cursors: base64url JSON of whatever identifies the position. */
export const encodeCursor = (position: unknown[]): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** Decodes a cursor and checks its shape with `valid`; 422 when it is not one we issued. */
export function decodeCursor<T extends unknown[]>(cursor: string, valid: (value: unknown[]) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    value = null;
  }
  if (!Array.isArray(value) || !valid(value)) throw new UnprocessableError('cursor is not one this API returned');
  return value;
}

/** The shapes a cursor's parts may take, checked before they reach SQL casts. */
export const CURSOR_PART = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /** timestamptz::text, e.g. 2026-11-21 15:41:48.123456+00 */
  timestamp: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/,
  number: /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i,
};
