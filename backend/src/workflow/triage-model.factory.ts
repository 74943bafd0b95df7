import {
  ChatTriageModel,
  createOpenAIChatModel,
  createTriagePolicy,
  LocalTriageModel,
  type TriageModel,
  type TriagePolicy,
} from '@handoff/graphs';
import type { AppConfig } from '../config/config.schema';
import type { ActiveClassifier } from './ports';
import { ResilientTriageModel } from './resilient-model';

/** The configured LLM provider: an OpenAI-compatible endpoint, or the offline local model. */
export function buildTriageModel(config: AppConfig, active?: ActiveClassifier): TriageModel {
  if (config.LLM_PROVIDER === 'openai') {
    const chat = createOpenAIChatModel({
      baseURL: config.OPENAI_BASE_URL,
      apiKey: config.OPENAI_API_KEY!,
      model: config.LLM_MODEL,
      timeoutMs: config.LLM_TIMEOUT_MS,
      // Retries, backoff and the breaker are ResilientTriageModel's job, not the SDK's.
      maxRetries: 0,
    });
    return new ResilientTriageModel(new ChatTriageModel(chat, `openai:${config.LLM_MODEL}`), {
      maxAttempts: config.LLM_MAX_ATTEMPTS,
      initialDelayMs: config.LLM_RETRY_INITIAL_DELAY_MS,
      maxDelayMs: 30_000,
      breakerThreshold: config.LLM_BREAKER_THRESHOLD,
      halfOpenAfterMs: config.LLM_BREAKER_HALF_OPEN_MS,
      outageReviewAfterMs: config.LLM_OUTAGE_REVIEW_AFTER_MS,
      maxConcurrency: config.LLM_MAX_CONCURRENCY,
    });
  }
  // The registry's active version when the models module is there; the shipped model otherwise.
  return new LocalTriageModel(active ? { active: () => active.current() } : {});
}

export function buildTriagePolicy(config: AppConfig): TriagePolicy {
  return createTriagePolicy({
    taxonomy: config.TAXONOMY,
    thresholds: config.AUTO_SEND_THRESHOLDS,
    defaultThreshold: config.DEFAULT_AUTO_SEND_THRESHOLD,
    alwaysReview: config.ALWAYS_REVIEW_CATEGORIES,
  });
}
