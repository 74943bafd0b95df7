import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handlerProblems } from './job-handlers';
import { JOBS, QUEUES } from './jobs';

const all = (owner = 'Service.method') => Object.values(JOBS).map((job) => ({ job, owner }));

describe('job handler boot check', () => {
  test('passes when every job of the running queues has one handler', () => {
    assert.deepEqual(handlerProblems(all(), Object.values(QUEUES)), []);
  });
  test('names a job without a handler', () => {
    const handlers = all().filter(({ job }) => job !== JOBS.deliverReply);
    assert.deepEqual(handlerProblems(handlers, [QUEUES.delivery]), [
      'job "reply.deliver" on queue "delivery" has no handler',
    ]);
  });
  test('names a job with two handlers', () => {
    const handlers = [...all('A.first'), { job: JOBS.startRun, owner: 'B.second' }];
    assert.deepEqual(handlerProblems(handlers, [QUEUES.workflow]), [
      'job "run.start" has 2 handlers: A.first, B.second',
    ]);
  });
  test('a queue this process does not run needs no handlers', () => {
    const handlers = all().filter(({ job }) => job.queue !== QUEUES.slack);
    assert.deepEqual(handlerProblems(handlers, [QUEUES.workflow, QUEUES.delivery]), []);
  });
  test('names a handler for a job that is not registered', () => {
    const stray = { job: { ...JOBS.startRun, name: 'run.stray' } as never, owner: 'C.stray' };
    assert.deepEqual(handlerProblems([...all(), stray], []), [
      'C.stray handles "run.stray", which is not in the job registry',
    ]);
  });
});
