import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CURSOR_PART } from './cursor';

describe('CURSOR_PART', () => {
  test('timestamps as PostgreSQL writes them pass; impossible dates, times and offsets do not', () => {
    for (const value of ['2026-11-21 15:41:48.123456+00', '2026-11-21 15:41:48+05:30', '2024-02-29 00:00:00-08']) {
      assert.ok(CURSOR_PART.timestamp.test(value), value);
    }
    for (const value of [
      '2026-02-30 10:00:00+00',
      '2026-13-01 00:00:00+00',
      '2026-01-01 25:61:00+00',
      '2026-01-01 10:00:00+99',
      'yesterday',
    ]) {
      assert.ok(!CURSOR_PART.timestamp.test(value), value);
    }
  });

  test('numbers double precision holds pass; overflow and underflow to zero do not', () => {
    for (const value of ['0.73', '0', '-0.0e5', '1e-310']) assert.ok(CURSOR_PART.number.test(value), value);
    for (const value of ['1e999', '-1e999', '1e-999', 'NaN', 'Infinity'])
      assert.ok(!CURSOR_PART.number.test(value), value);
  });
});
