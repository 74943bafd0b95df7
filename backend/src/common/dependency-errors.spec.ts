import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryRunnerAlreadyReleasedError, QueryFailedError } from 'typeorm';
import { isDependencyUnavailable } from './dependency-errors';

test('a lost or shut-down database is "unavailable"; a bad query is not', () => {
  assert.equal(isDependencyUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432')), true);
  assert.equal(isDependencyUnavailable({ code: '57P01', message: 'terminating connection' }), true);
  assert.equal(isDependencyUnavailable(new QueryRunnerAlreadyReleasedError()), true);
  const badQuery = new QueryFailedError('SELECT nope', [], Object.assign(new Error('syntax error'), { code: '42601' }));
  assert.equal(isDependencyUnavailable(badQuery), false);
  assert.equal(isDependencyUnavailable(new Error('something else')), false);
});
