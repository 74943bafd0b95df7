import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';

const EmbeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
});

const TIMEOUT_MS = 15_000;
const BATCH = 64;

/**
 * Embeddings through any OpenAI-compatible /embeddings endpoint when EMBEDDINGS_MODEL is set. Best effort:
 * an unreachable endpoint leaves retrieval on full text (null), it never fails a save or a run.
 */
@Injectable()
export class EmbeddingsService {
  private readonly logger = new Logger(EmbeddingsService.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.EMBEDDINGS_MODEL && this.config.OPENAI_API_KEY);
  }

  async embedDocuments(texts: string[]): Promise<number[][] | null> {
    if (!this.enabled || texts.length === 0) return null;
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = await this.call(texts.slice(start, start + BATCH));
      if (!batch) return null;
      vectors.push(...batch);
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[] | null> {
    if (!this.enabled) return null;
    return (await this.call([text]))?.[0] ?? null;
  }

  private async call(input: string[]): Promise<number[][] | null> {
    const base = (this.config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/$/, '');
    try {
      const response = await fetch(`${base}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.OPENAI_API_KEY}` },
        body: JSON.stringify({ model: this.config.EMBEDDINGS_MODEL, input }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { data } = EmbeddingsResponseSchema.parse(await response.json());
      const sorted = [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      if (sorted.length !== input.length) throw new Error(`${sorted.length} embeddings for ${input.length} inputs`);
      return sorted;
    } catch (error) {
      // The endpoint's answer may echo input: log only what went wrong, never the text.
      this.logger.warn(`embeddings unavailable, using full text only: ${(error as Error).message.slice(0, 200)}`);
      return null;
    }
  }
}
