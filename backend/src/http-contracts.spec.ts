import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OutboundStatusSchema,
  RunStatusSchema,
  type DeadLetter,
  type DeadLetterPage,
  type DecisionOutcome,
  type ReplayResponse,
  type RunDetails,
  type RunTimeline,
} from '@handoff/contracts';
import type { OutboundStatus } from './delivery/outbound-status';
import type { DeadLettersService } from './queries/dead-letters.service';
import type { RunDetailsService } from './queries/run-details.service';
import type { RunTimelineService } from './queries/run-timeline.service';
import type { ReviewsService } from './reviews/reviews.service';
import type { RunReplayService } from './workflow/run-replay.service';
import { RUN_STATUSES } from './workflow/run-status';

// The services' answers, as JSON makes them (Dates become ISO strings), must fit the contracts the UI and
// clients parse them with. These aliases fail to compile when one side changes without the other.
type Json<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Json<Item>[]
    : T extends object
      ? { [Key in keyof T]: Json<T[Key]> }
      : T;
type Answer<Method> = Method extends (...args: never[]) => Promise<infer Result> ? Json<Result> : never;
type Fits<Actual extends Expected, Expected> = [Actual, Expected];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

// `reply.status` is still a plain string in these two read models; everything else is checked.
type _RunDetails = Fits<Omit<Answer<RunDetailsService['get']>, 'reply'>, Omit<RunDetails, 'reply'>>;
type _DeadLetter = Fits<Omit<Answer<DeadLettersService['list']>['items'][number], 'reply'>, Omit<DeadLetter, 'reply'>>;
type _DeadLetterCursor = Fits<Answer<DeadLettersService['list']>['nextBefore'], DeadLetterPage['nextBefore']>;
type _Timeline = Fits<Answer<RunTimelineService['get']>, RunTimeline>;
type _Replay = Fits<Answer<RunReplayService['replay']>, ReplayResponse>;
type _Decision = Fits<Answer<ReviewsService['decide']>, DecisionOutcome>;
type _OutboundStatuses = Fits<true, Same<OutboundStatus, (typeof OutboundStatusSchema.options)[number]>>;

test('the contract lists the same run statuses as the backend stores', () => {
  assert.deepEqual([...RunStatusSchema.options].sort(), [...RUN_STATUSES].sort());
});
