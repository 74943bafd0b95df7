import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTemporaryHttpStatus } from './callback-transport';
import { failureKindOf, ReplyDeliveryError } from './reply-transport';

test('408, 429 and 5xx are worth retrying; other refusals are final', () => {
  for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(isTemporaryHttpStatus(status), true, `${status}`);
  for (const status of [301, 400, 401, 403, 404, 410, 413, 422])
    assert.equal(isTemporaryHttpStatus(status), false, `${status}`);
});

test('an error a transport did not classify counts as temporary', () => {
  assert.equal(failureKindOf(new Error('socket hang up')), 'temporary');
  assert.equal(failureKindOf(new ReplyDeliveryError('gone', 'permanent')), 'permanent');
});
