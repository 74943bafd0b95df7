import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/config.schema';
import { followUpPolicyFor, unknownFollowUpKeys } from './follow-up-policy';

describe('follow-up policy', () => {
  test('supersede unless the category or "default" says otherwise', () => {
    assert.equal(followUpPolicyFor({}, 'billing'), 'supersede');
    const map = { default: 'queue', feedback: 'ignore' } as const;
    assert.equal(followUpPolicyFor(map, 'feedback'), 'ignore');
    assert.equal(followUpPolicyFor(map, 'billing'), 'queue');
    assert.equal(followUpPolicyFor({ feedback: 'ignore' }, 'constructor'), 'supersede');
  });

  test('keys must be taxonomy categories or "default"', () => {
    assert.deepEqual(unknownFollowUpKeys({ default: 'queue', feedbak: 'ignore' }, ['feedback']), ['feedbak']);
  });

  test('FOLLOW_UP_POLICY is validated at boot', () => {
    const base = { ADMIN_API_KEY: 'k'.repeat(32) };
    assert.deepEqual(loadConfig({ ...base, FOLLOW_UP_POLICY: '{"feedback":"ignore"}' }).FOLLOW_UP_POLICY, {
      feedback: 'ignore',
    });
    assert.throws(
      () => loadConfig({ ...base, FOLLOW_UP_POLICY: '{"feedbak":"ignore"}' }),
      /FOLLOW_UP_POLICY: "feedbak"/,
    );
    assert.throws(() => loadConfig({ ...base, FOLLOW_UP_POLICY: '{"feedback":"drop"}' }), /FOLLOW_UP_POLICY/);
  });
});
