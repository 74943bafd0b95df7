import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTBOUND_STATE_MACHINE } from './outbound-status';

describe('outbound state machine', () => {
  test('only a pending row can be claimed, and a claimed row ends one of four ways', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('sending'), ['pending']);
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('uncertain'), ['sending']);
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('sent'), ['sending']);
  });
  test('a sent, uncertain or superseded reply is never sent again', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.finals().sort(), ['sent', 'superseded', 'uncertain']);
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('superseded'), ['pending'], 'only an unclaimed row');
    assert.ok(!OUTBOUND_STATE_MACHINE.canMove('uncertain', 'pending'));
  });
  test('only a refused reply goes back to pending by replay', () => {
    assert.deepEqual(OUTBOUND_STATE_MACHINE.sourcesOf('pending').sort(), ['failed', 'sending']);
  });
});
