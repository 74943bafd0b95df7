/**
 * Not a failure of the run: something it needs is busy or down. The queue
 * parks the job for `retryAfterMs` without spending one of its attempts.
 */
export class WaitAndRetryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** Another execution holds this run. */
export class RunBusyError extends WaitAndRetryError {}

/** The LLM is down (breaker open or retries used up) and the run may still wait for it. */
export class LlmUnavailableError extends WaitAndRetryError {}

/** The LLM refused the request in a way no retry can fix (e.g. 400, 401, 404): fail the run at once. */
export class LlmPermanentError extends Error {}
