import { Injectable } from '@nestjs/common';
import type { Classification } from '@handoff/contracts';
import {
  NO_RETRIEVAL,
  type InboundMessage,
  type KnowledgeBase,
  type KnowledgePassage,
  type Retrieval,
} from '@handoff/graphs';
import { MetricsService } from '../observability/metrics.service';
import { EmbeddingsService } from './embeddings.service';
import { KnowledgeRepository, searchConfigFor, type ChunkHit } from './knowledge.repository';
import { cosine, queryWords, reciprocalRankFusion } from './retrieval';
import { APPROVED_REPLIES, type ApprovedReplies } from './ports';
import { Inject } from '@nestjs/common';

/** Full-text candidates fetched per email; embeddings rerank among these. */
const CANDIDATES = 20;
/** Passages handed to the draft, at most one per article. */
export const TOP_PASSAGES = 3;
/**
 * The relevance floor on the normalised full-text rank (rank / (rank + 1)): below it a chunk shares a few
 * words with the email but does not answer it. Chosen on the fictional shop's evaluation set (see README).
 */
export const RELEVANCE_FLOOR = 0.1;
/** With embeddings, a chunk this similar to the email counts as relevant even with a weak full-text rank. */
export const COSINE_FLOOR = 0.5;

export interface RankedPassage extends KnowledgePassage {
  rank: number;
}

/**
 * The graph's KnowledgeBase port: full-text search on PostgreSQL, fused with in-process cosine over the
 * same candidates when embeddings are on (no pgvector on this machine), and past approved replies.
 */
@Injectable()
export class RetrievalService implements KnowledgeBase {
  constructor(
    private readonly repository: KnowledgeRepository,
    private readonly embeddings: EmbeddingsService,
    @Inject(APPROVED_REPLIES) private readonly approvedReplies: ApprovedReplies,
    // Only the hits histogram: the evaluation script builds this service without the metrics registry.
    @Inject(MetricsService)
    private readonly metrics: { knowledgeHits: Pick<MetricsService['knowledgeHits'], 'observe'> },
  ) {}

  async retrieve(message: InboundMessage, classification: Classification): Promise<Retrieval> {
    if (await this.repository.isEmpty()) return NO_RETRIEVAL;
    const ranked = await this.rank(message.subject, message.text, classification.language);
    const passages = ranked.filter((passage) => passage.score > 0).slice(0, TOP_PASSAGES);
    this.metrics.knowledgeHits.observe(passages.length);
    const examples = await this.approvedReplies.similar(queryWords(message.subject, message.text), 2);
    return { enabled: true, passages: passages.map(({ rank: _rank, ...passage }) => passage), examples };
  }

  /**
   * Every candidate chunk, best first, one per article; `score` is 0 for those under the floor. Used by
   * retrieve() and by the evaluation, which reads recall from the whole order.
   */
  async rank(subject: string, text: string, language: string): Promise<RankedPassage[]> {
    const words = queryWords(subject, text);
    const hits = await this.repository.search(words, searchConfigFor(language), CANDIDATES, this.embeddings.enabled);
    const query = hits.some((hit) => hit.embedding) ? await this.embeddings.embedQuery(`${subject}\n${text}`) : null;
    const ordered = query ? this.fuse(hits, query) : hits.map((hit) => ({ hit, similarity: null }));
    const seen = new Set<string>();
    const passages: RankedPassage[] = [];
    for (const { hit, similarity } of ordered) {
      if (seen.has(hit.articleId)) continue;
      seen.add(hit.articleId);
      const relevant = hit.rank >= RELEVANCE_FLOOR || (similarity !== null && similarity >= COSINE_FLOOR);
      passages.push({
        id: hit.id,
        articleId: hit.articleId,
        title: hit.title,
        url: hit.url,
        text: hit.heading ? `${hit.heading}\n${hit.text}` : hit.text,
        score: relevant ? Math.max(hit.rank, similarity ?? 0) : 0,
        rank: hit.rank,
      });
    }
    return passages;
  }

  /** Full-text order and cosine order, fused by reciprocal rank. */
  private fuse(hits: ChunkHit[], query: number[]) {
    const similarity = new Map(hits.map((hit) => [hit.id, hit.embedding ? cosine(query, hit.embedding) : null]));
    const byCosine = hits
      .filter((hit) => similarity.get(hit.id) !== null)
      .sort((a, b) => similarity.get(b.id)! - similarity.get(a.id)!)
      .map((hit) => hit.id);
    const fused = reciprocalRankFusion([hits.map((hit) => hit.id), byCosine]);
    return [...hits]
      .sort((a, b) => fused.get(b.id)! - fused.get(a.id)!)
      .map((hit) => ({ hit, similarity: similarity.get(hit.id) ?? null }));
  }
}
