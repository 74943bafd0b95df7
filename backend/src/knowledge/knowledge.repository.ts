import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import type { ArticleChunk } from './article-text';
import {
  KnowledgeArticleEntity,
  KnowledgeArticleVersionEntity,
  KnowledgeChunkEntity,
} from './knowledge-article.entity';

export type ArticleRow = KnowledgeArticleEntity & { chunks: number };
export type ArticleFields = Pick<KnowledgeArticleEntity, 'title' | 'body' | 'format' | 'url' | 'tags' | 'language'>;

/** A chunk found by full-text search, with its article and rank. */
export interface ChunkHit {
  id: string;
  articleId: string;
  title: string;
  url: string | null;
  heading: string | null;
  text: string;
  /** ts_rank_cd normalised to [0, 1): rank / (rank + 1). */
  rank: number;
  embedding: number[] | null;
}

/** BCP 47 primary language → PostgreSQL text search configuration; anything else is 'simple'. */
const SEARCH_CONFIGS: Record<string, string> = {
  da: 'danish',
  de: 'german',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  hu: 'hungarian',
  it: 'italian',
  nb: 'norwegian',
  nl: 'dutch',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sv: 'swedish',
  tr: 'turkish',
};

export function searchConfigFor(language: string): string {
  return SEARCH_CONFIGS[language.toLowerCase().split('-')[0]!] ?? 'simple';
}

/**
 * Owns knowledge_articles, knowledge_article_versions and knowledge_chunks. An article and its chunks and
 * version row are always written in the caller's one transaction.
 */
@Injectable()
export class KnowledgeRepository {
  constructor(private readonly dataSource: DataSource) {}

  private articles(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(KnowledgeArticleEntity);
  }

  find(id: string, tx?: Tx): Promise<KnowledgeArticleEntity | null> {
    return this.articles(tx).findOne({ where: { id } });
  }

  /** Locks the article's row for the rest of the transaction, so two edits cannot take one version number. */
  lock(tx: Tx, id: string): Promise<KnowledgeArticleEntity | null> {
    return this.articles(tx)
      .createQueryBuilder('article')
      .setLock('pessimistic_write')
      .where('article.id = :id', { id })
      .getOne();
  }

  lockByKey(tx: Tx, key: string): Promise<KnowledgeArticleEntity | null> {
    return this.articles(tx)
      .createQueryBuilder('article')
      .setLock('pessimistic_write')
      .where('article.key = :key', { key })
      .getOne();
  }

  async chunkCount(articleId: string): Promise<number> {
    return this.dataSource.getRepository(KnowledgeChunkEntity).count({ where: { articleId } });
  }

  async insert(tx: Tx, article: Omit<KnowledgeArticleEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.articles(tx).insert(article);
  }

  async update(tx: Tx, id: string, fields: ArticleFields & Pick<KnowledgeArticleEntity, 'version' | 'updatedBy'>) {
    await this.articles(tx).update({ id }, fields);
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await this.articles(tx).delete({ id });
  }

  async addVersion(tx: Tx, version: Omit<KnowledgeArticleVersionEntity, 'id' | 'changedAt'>): Promise<void> {
    await tx.getRepository(KnowledgeArticleVersionEntity).insert(version);
  }

  versionsOf(articleId: string): Promise<KnowledgeArticleVersionEntity[]> {
    return this.dataSource
      .getRepository(KnowledgeArticleVersionEntity)
      .find({ where: { articleId }, order: { version: 'DESC' } });
  }

  /**
   * Replaces the article's chunks, each with its search vector: title and heading weighted A, the text B,
   * in the article's language, plus the 'simple' dictionary so words it does not know still match.
   */
  async replaceChunks(
    tx: Tx,
    articleId: string,
    title: string,
    language: string,
    chunks: (ArticleChunk & { embedding: number[] | null })[],
  ): Promise<void> {
    await tx.query(`DELETE FROM knowledge_chunks WHERE article_id = $1`, [articleId]);
    const config = searchConfigFor(language);
    for (const chunk of chunks) {
      await tx.query(
        `INSERT INTO knowledge_chunks (article_id, position, heading, text, search_config, search, embedding)
         VALUES ($1, $2, $3::text, $4::text, $5::text,
           setweight(to_tsvector($5::regconfig, $6::text || ' ' || coalesce($3::text, '')), 'A')
             || setweight(to_tsvector($5::regconfig, $4::text), 'B')
             || setweight(to_tsvector('simple', $6::text || ' ' || coalesce($3::text, '') || ' ' || $4::text), 'D'),
           $7)`,
        [articleId, chunk.position, chunk.heading, chunk.text, config, title, chunk.embedding],
      );
    }
  }

  async list(q: string | undefined, limit: number, offset: number): Promise<{ rows: ArticleRow[]; total: number }> {
    const filter = q ? `WHERE a.title ILIKE '%' || $3 || '%' OR $3 = ANY(a.tags)` : '';
    const params = q ? [limit, offset, q.replace(/[%_\\]/g, (c) => `\\${c}`)] : [limit, offset];
    const rows: (KnowledgeArticleEntity & { chunks: number; total: number })[] = await this.dataSource.query(
      `SELECT a.id, a.key, a.title, a.format, a.url, a.tags, a.language, a.version,
              a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.updated_by AS "updatedBy",
              (SELECT count(*)::int FROM knowledge_chunks c WHERE c.article_id = a.id) AS chunks,
              count(*) OVER ()::int AS total
         FROM knowledge_articles a ${filter}
        ORDER BY a.title, a.id LIMIT $1 OFFSET $2`,
      params,
    );
    return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
  }

  /** Whether the knowledge base holds any article at all. */
  async isEmpty(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM knowledge_articles LIMIT 1`);
    return rows.length === 0;
  }

  /**
   * The best chunks for an OR-query of words, ranked by ts_rank_cd; `config` is the email's language's
   * dictionary. Short queries also match titles and headings by trigram similarity (pg_trgm).
   */
  async search(words: string[], config: string, limit: number, withEmbeddings: boolean): Promise<ChunkHit[]> {
    if (words.length === 0) return [];
    const query = words.join(' or ');
    const short = words.length <= 3;
    return this.dataSource.query(
      `WITH q AS (SELECT websearch_to_tsquery($1::regconfig, $2) || websearch_to_tsquery('simple', $2) AS query)
       SELECT c.id::text, c.article_id AS "articleId", a.title, a.url, c.heading, c.text,
              greatest(ts_rank_cd(c.search, q.query, 32),
                       CASE WHEN $4 THEN word_similarity($5, a.title || ' ' || coalesce(c.heading, '')) * 0.5 ELSE 0 END)
                AS rank,
              ${withEmbeddings ? 'c.embedding' : 'NULL::real[]'} AS embedding
         FROM knowledge_chunks c JOIN knowledge_articles a ON a.id = c.article_id, q
        WHERE c.search @@ q.query
           OR ($4 AND word_similarity($5, a.title || ' ' || coalesce(c.heading, '')) > 0.5)
        ORDER BY rank DESC, c.id
        LIMIT $3`,
      [config, query, limit, short, words.join(' ')],
    );
  }
}
