import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  bulkhead,
  retry,
  wrap,
  type CircuitState,
} from 'cockatiel';
import type { Classification } from '@handoff/contracts';
import type { Draft, DraftRequest, TriageModel, InboundMessage, Taxonomy } from '@handoff/graphs';
import { LlmPermanentError, LlmUnavailableError } from './errors';

function statusOf(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; response?: { status?: unknown } };
  const status = candidate?.status ?? candidate?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether trying the same call again can succeed: rate limits, server errors,
 * timeouts, dropped connections and unparseable (garbage) output.
 */
export function isTransientLlmError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 408 || status === 409 || status === 429 || status >= 500;
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''}`;
  return /timeout|timed out|abort|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|fetch failed|connection error|OutputParser|Failed to parse|Unexpected token|JSON/i.test(
    text,
  );
}

export interface ResilienceOptions {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed calls that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial call. */
  halfOpenAfterMs: number;
  /** A message older than this that still meets a down LLM goes to a human with no draft. */
  outageReviewAfterMs: number;
  /** LLM calls in flight at once from this process; more wait their turn. */
  maxConcurrency: number;
  now?: () => number;
}

/**
 * Wraps the LLM-backed model with retries (exponential backoff with jitter)
 * and a circuit breaker. While the LLM is down, calls fail fast with
 * LlmUnavailableError so the queue can park the run; once a message has
 * waited past `outageReviewAfterMs`, the model answers with an empty,
 * zero-confidence result that sends the run to review with a note saying why.
 */
export class ResilientTriageModel implements TriageModel {
  readonly name: string;
  private readonly breaker;
  private readonly policy;
  private readonly now: () => number;

  constructor(
    private readonly inner: TriageModel,
    private readonly options: ResilienceOptions,
  ) {
    this.name = inner.name;
    this.now = options.now ?? Date.now;
    const transient = handleWhen(isTransientLlmError);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    const retries = retry(transient, {
      maxAttempts: options.maxAttempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
    });
    // Outermost first: wait for a slot, then retry, each attempt through the breaker.
    this.policy = wrap(bulkhead(options.maxConcurrency, Number.MAX_SAFE_INTEGER), retries, this.breaker);
  }

  /** closed, open, half-open or isolated; for health and metrics. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  onCircuitStateChange(listener: (state: CircuitState) => void): void {
    this.breaker.onStateChange(listener);
  }

  classify(message: InboundMessage, taxonomy: Taxonomy): Promise<Classification> {
    const fallbackCategory = taxonomy.find((category) => category.key === 'other')?.key ?? taxonomy[0]!.key;
    return this.call(
      message,
      'classify',
      () => this.inner.classify(message, taxonomy),
      () => ({
        category: fallbackCategory,
        intent: 'unknown: the language model was unavailable',
        language: 'und',
        urgency: 'normal',
        riskFlags: [],
        categoryConfidence: 0,
      }),
    );
  }

  draft(request: DraftRequest): Promise<Draft> {
    return this.call(
      request.message,
      'draft',
      () => this.inner.draft(request),
      () => ({
        text: '',
        assessment: {
          confidence: 0,
          reasons: [
            `The language model was unavailable for over ${Math.round(this.options.outageReviewAfterMs / 60_000)} min, so no draft was written: please answer by hand.`,
          ],
        },
      }),
    );
  }

  private async call<T>(message: InboundMessage, step: string, work: () => Promise<T>, degraded: () => T): Promise<T> {
    try {
      return await this.policy.execute(work);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError) && !isTransientLlmError(error)) {
        throw new LlmPermanentError(`LLM ${step} refused: ${(error as Error).message}`);
      }
      const waited = this.now() - Date.parse(message.receivedAt);
      if (waited >= this.options.outageReviewAfterMs) return degraded();
      throw new LlmUnavailableError(
        `LLM unavailable during ${step}: ${(error as Error).message}`,
        this.options.halfOpenAfterMs,
      );
    }
  }
}
