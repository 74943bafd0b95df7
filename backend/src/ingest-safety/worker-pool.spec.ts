import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskError, TaskTimeoutError, WorkerPool } from './worker-pool';

// A worker that answers "echo", throws on "fail" and never returns from "spin".
const script = join(mkdtempSync(join(tmpdir(), 'handoff-pool-')), 'worker.js');
writeFileSync(
  script,
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (task) => {
     if (task === 'spin') for (;;);
     if (task === 'fail') return parentPort.postMessage({ ok: false, name: 'RangeError', message: 'bad input' });
     parentPort.postMessage({ ok: true, value: task });
   });`,
);

describe('WorkerPool', () => {
  const pool = new WorkerPool(script, { size: 2, timeoutMs: 500 });
  after(() => pool.close());

  test('a task that never ends is stopped at its budget and the pool keeps serving', async () => {
    const spinning = [pool.run('spin'), pool.run('spin')];
    const queued = pool.run('after the stuck ones');
    for (const stuck of spinning) await assert.rejects(stuck, TaskTimeoutError);
    assert.equal(await queued, 'after the stuck ones');
    assert.deepEqual(await Promise.all([pool.run('a'), pool.run('b'), pool.run('c')]), ['a', 'b', 'c']);
  });

  test('an error inside the worker reaches the caller with its name', async () => {
    const failure = await pool.run('fail').catch((error: unknown) => error);
    assert.ok(failure instanceof TaskError);
    assert.equal(failure.errorName, 'RangeError');
    assert.equal(await pool.run('still working'), 'still working');
  });
});
