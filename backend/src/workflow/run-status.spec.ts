import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FINAL_RUN_STATUSES, isFinalRunStatus, outcomeOf, RUN_STATE_MACHINE, RUN_STATUSES } from './run-status';

describe('run state machine', () => {
  test('an active run may move to any status', () => {
    for (const from of ['queued', 'running', 'awaiting_review', 'sending', 'delivery_uncertain'] as const)
      for (const to of RUN_STATUSES) assert.ok(RUN_STATE_MACHINE.canMove(from, to), `${from} -> ${to}`);
  });
  test('a final run never moves, except a failed run that a replay reopens', () => {
    for (const from of FINAL_RUN_STATUSES)
      for (const to of RUN_STATUSES) {
        const replay = from === 'failed' && (to === 'queued' || to === 'sending');
        assert.equal(RUN_STATE_MACHINE.canMove(from, to), replay, `${from} -> ${to}`);
      }
  });
  test('finals are exactly the statuses with no way out, and failed is final but replayable', () => {
    assert.deepEqual(RUN_STATE_MACHINE.finals().sort(), FINAL_RUN_STATUSES.filter((s) => s !== 'failed').sort());
    assert.ok(isFinalRunStatus('failed'));
    assert.ok(!isFinalRunStatus('sending'));
  });
  test('sent counts as auto or reviewed by who approved it', () => {
    assert.equal(outcomeOf('sent', 'auto'), 'auto_sent');
    assert.equal(outcomeOf('sent', 'ana@example.test'), 'reviewed_sent');
    assert.equal(outcomeOf('timed_out'), 'timed_out');
  });
});
