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

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/;
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** A real date and time PostgreSQL will cast back (not 2026-02-30 or 25:61), with an offset it accepts. */
function isTimestamp(value: string): boolean {
  const parts = TIMESTAMP.exec(value)
    ?.slice(1)
    .map((part) => Number(part ?? 0));
  if (!parts) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! < 24 &&
    minute! < 60 &&
    second! < 60 &&
    offsetHours! <= 15 &&
    offsetMinutes! < 60
  );
}

/** A number double precision holds: not out of range (1e999) and not underflowing to zero (1e-999). */
function isDouble(value: string): boolean {
  if (!NUMBER.test(value)) return false;
  const number = Number(value);
  return Number.isFinite(number) && (number !== 0 || !/[1-9]/.test(value.split(/e/i)[0]!));
}

/**
 * What a cursor's parts may be, checked before they reach SQL casts: a value of the right shape that
 * the cast would still refuse (a forged cursor) would otherwise fail inside PostgreSQL as a 500.
 */
export const CURSOR_PART = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /** timestamptz::text, e.g. 2026-11-21 15:41:48.123456+00 */
  timestamp: { test: isTimestamp },
  number: { test: isDouble },
};
