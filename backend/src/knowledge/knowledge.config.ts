import { z } from 'zod';
import type { Report } from '../config/env';

/** Optional embeddings for retrieval, from the same OpenAI-compatible endpoint as the chat model. */
export const KnowledgeConfig = {
  /** e.g. text-embedding-3-small; unset, retrieval is full-text search alone. */
  EMBEDDINGS_MODEL: z.string().min(1).max(200).optional(),
};

type KnowledgeEnv = z.output<ReturnType<typeof z.object<typeof KnowledgeConfig>>> & { OPENAI_API_KEY?: string };

export function checkKnowledgeConfig(env: KnowledgeEnv, report: Report): void {
  if (env.EMBEDDINGS_MODEL && !env.OPENAI_API_KEY) {
    report(['OPENAI_API_KEY'], 'is required when EMBEDDINGS_MODEL is set');
  }
}
