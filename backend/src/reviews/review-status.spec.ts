import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REVIEW_STATE_MACHINE } from './review-status';

describe('review state machine', () => {
  test('only a pending review can be decided, redrafted or closed', () => {
    for (const to of ['decided', 'redrafting', 'timed_out'] as const)
      assert.deepEqual(REVIEW_STATE_MACHINE.sourcesOf(to), ['pending']);
  });
  test('a new round reopens only a review waiting for its redraft', () => {
    assert.deepEqual(REVIEW_STATE_MACHINE.sourcesOf('pending'), ['redrafting']);
  });
  test('a newer message closes a review that is pending or waiting for its redraft', () => {
    assert.deepEqual(REVIEW_STATE_MACHINE.sourcesOf('superseded').sort(), ['pending', 'redrafting']);
  });
  test('decided, timed-out and superseded reviews are final', () => {
    assert.deepEqual(REVIEW_STATE_MACHINE.finals().sort(), ['decided', 'superseded', 'timed_out']);
  });
});
