import type { Clock } from '../../src/common/clock';

/** Real time plus an offset the test moves forward: deadlines come in minutes, not in hours of waiting. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number): void {
    this.offsetMs += minutes * 60_000;
  }
}
