import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTBOUND_STATE_MACHINE } from './outbound-status';

describe('outbound state machine', () => {
  test('a pending row is claimed, and a row a stopped sender left before the hand-over is claimed again', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('sending'), ['pending', 'sending']);
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('uncertain'), ['sending']);
  });
  test('sent comes from a send or from settling an uncertain row; nothing leaves sent or superseded', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('sent').sort(), ['sending', 'uncertain']);
    assert.deepEqual(OUTBOUND_STATE_MACHINE.finals().sort(), ['sent', 'superseded']);
  });
  test('only an unclaimed row is superseded', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('superseded'), ['pending']);
  });
  test('back to pending: a send the receiver did not take, a refused reply replayed, an uncertain one resent', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('pending').sort(), ['failed', 'sending', 'uncertain']);
    assert.ok(!OUTBOUND_STATE_MACHINE.canMove('uncertain', 'failed'));
  });
});
