import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestWorld } from './support/test-service';
import { WorkerProcess } from './support/worker-process';

const world = new TestWorld();
before(() => world.setUp());
after(() => world.tearDown());

// Signals at different moments of boot: while modules load, while Nest connects, as workers start.
// Counted from the moment node starts main.js: before its first statement no program could exit 0, and
// on a busy machine node itself may take longer than 100 ms to get there.
for (const delayMs of [100, 700, 1_500]) {
  test(`SIGTERM ${delayMs} ms into a worker's boot exits 0`, async () => {
    const worker = new WorkerProcess(world, {});
    worker.start();
    await worker.loadingMain();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    assert.ok(worker.running, 'the worker has not exited on its own');
    worker.kill('SIGTERM');
    assert.equal(await worker.exited(), 0);
  });
}
