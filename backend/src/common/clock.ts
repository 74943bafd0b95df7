import type { Clock } from '@handoff/graphs';

export type { Clock };

/** Injection token for the Clock that time-based rules (review deadlines, retention) read. */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
