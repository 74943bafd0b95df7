import type { RunningService } from '../../src/bootstrap';
import { ReviewDeadlinesService } from '../../src/reviews/review-deadlines.service';
import type { TestWorld } from './test-service';

/**
 * Runs one deadline sweep now and waits until the work it queued is done: what the next periodic
 * sweeps would do, so a test can check that they fire nothing more without waiting for them.
 */
export async function sweepDeadlines(world: TestWorld, service: RunningService): Promise<void> {
  await service.app.get(ReviewDeadlinesService).sweep();
  await world.queuesDrained();
}
