import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ArticleInputSchema,
  type Article,
  type ArticleImportResult,
  type ArticleList,
  type ArticleFormat,
} from '@handoff/contracts';
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { chunkArticle, cleanBody, guessFormat, type ArticleChunk } from './article-text';
import { EmbeddingsService } from './embeddings.service';
import type { KnowledgeArticleEntity } from './knowledge-article.entity';
import { KnowledgeRepository, type ArticleFields } from './knowledge.repository';

export type ArticleInputValue = z.output<typeof ArticleInputSchema>;

/** Most lines one JSONL import takes; a bigger help center imports in several files. */
export const MAX_IMPORT_LINES = 2_000;

function present(article: KnowledgeArticleEntity, chunks: number): Article {
  return {
    id: article.id,
    key: article.key,
    title: article.title,
    body: article.body,
    format: article.format,
    url: article.url,
    tags: article.tags,
    language: article.language,
    version: article.version,
    chunks,
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    updatedBy: article.updatedBy,
  };
}

/** What an input becomes once its format is known and its body cleaned. */
function fieldsOf(input: ArticleInputValue): ArticleFields {
  const format: ArticleFormat = input.format ?? guessFormat(input.body);
  const body = cleanBody(input.body, format);
  if (!body) throw new InvalidInputError('the article has no text left once its HTML is sanitised');
  return { title: input.title, body, format, url: input.url ?? null, tags: input.tags, language: input.language };
}

const same = (a: ArticleFields, b: ArticleFields) =>
  a.title === b.title &&
  a.body === b.body &&
  a.format === b.format &&
  a.url === b.url &&
  a.language === b.language &&
  a.tags.join('\u0000') === b.tags.join('\u0000');

/** The knowledge base: articles, their versions and chunks. Every write is one transaction. */
@Injectable()
export class KnowledgeService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: KnowledgeRepository,
    private readonly embeddings: EmbeddingsService,
  ) {}

  async get(id: string): Promise<Article> {
    const article = await this.repository.find(id);
    if (!article) throw new NotFoundError(`article ${id} not found`);
    return present(article, await this.repository.chunkCount(id));
  }

  async list(q: string | undefined, limit: number, offset: number): Promise<ArticleList> {
    const { rows, total } = await this.repository.list(q, limit, offset);
    return {
      items: rows.map((row) => {
        const { body: _body, ...rest } = present({ ...row, body: '' }, row.chunks);
        return rest;
      }),
      total,
    };
  }

  async versions(id: string) {
    const rows = await this.repository.versionsOf(id);
    if (rows.length === 0) throw new NotFoundError(`article ${id} not found`);
    return {
      items: rows.map((row) => ({
        version: row.version,
        action: row.action,
        title: row.title,
        body: row.body,
        url: row.url,
        tags: row.tags,
        language: row.language,
        changedBy: row.changedBy,
        changedAt: row.changedAt.toISOString(),
      })),
    };
  }

  async create(input: ArticleInputValue, actor: string): Promise<Article> {
    return this.createWith(input, actor, {
      keyTaken: (id) => new InvalidInputError(`an article with key "${input.key}" exists: ${id}`),
    });
  }

  /**
   * Creates an article from a reply a reviewer approved (the reviews stage's port): the key names the
   * review, so a second save is a conflict, and `alsoInTx` (the audit entry) commits with the article.
   */
  async createFromReply(
    input: ArticleInputValue,
    actor: string,
    alsoInTx: (tx: Tx, articleId: string) => Promise<void>,
  ): Promise<Article> {
    return this.createWith(input, actor, {
      keyTaken: (id) => new ConflictError(`this reply is already saved as article ${id}`, { articleId: id }),
      alsoInTx,
    });
  }

  private async createWith(
    input: ArticleInputValue,
    actor: string,
    options: { keyTaken: (id: string) => Error; alsoInTx?: (tx: Tx, articleId: string) => Promise<void> },
  ): Promise<Article> {
    const fields = fieldsOf(input);
    const embedded = await this.embedChunks(fields);
    const id = await this.uow.run(async (tx) => {
      if (input.key) {
        const existing = await this.repository.lockByKey(tx, input.key);
        if (existing) throw options.keyTaken(existing.id);
      }
      const created = await this.insert(tx, input.key ?? null, fields, embedded, actor);
      await options.alsoInTx?.(tx, created);
      return created;
    });
    return this.get(id);
  }

  async update(id: string, input: ArticleInputValue, actor: string): Promise<Article> {
    const fields = fieldsOf(input);
    const embedded = await this.embedChunks(fields);
    await this.uow.run(async (tx) => {
      const article = await this.repository.lock(tx, id);
      if (!article) throw new NotFoundError(`article ${id} not found`);
      if (!same(article, fields)) await this.edit(tx, article, fields, embedded, actor);
    });
    return this.get(id);
  }

  async delete(id: string, actor: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const article = await this.repository.lock(tx, id);
      if (!article) throw new NotFoundError(`article ${id} not found`);
      // The history stays: the last version row says who deleted it and when.
      await this.repository.addVersion(tx, {
        ...this.versionOf(article, article),
        version: article.version + 1,
        action: 'delete',
        changedBy: actor,
      });
      await this.repository.delete(tx, id);
    });
  }

  /**
   * Imports many articles at once, all or nothing: every line is validated first, and one bad line
   * stores nothing. A line whose key matches an article edits it (a new version only when it changed).
   */
  async importMany(inputs: ArticleInputValue[], actor: string): Promise<ArticleImportResult> {
    const prepared: { key: string | null; fields: ArticleFields; embedded: Embedded }[] = [];
    for (const input of inputs) {
      const fields = fieldsOf(input);
      prepared.push({ key: input.key ?? null, fields, embedded: await this.embedChunks(fields) });
    }
    return this.uow.run(async (tx) => {
      const result: ArticleImportResult = { created: 0, updated: 0, unchanged: 0, ids: [] };
      for (const { key, fields, embedded } of prepared) {
        const existing = key ? await this.repository.lockByKey(tx, key) : null;
        if (!existing) {
          result.ids.push(await this.insert(tx, key, fields, embedded, actor));
          result.created += 1;
        } else if (same(existing, fields)) {
          result.ids.push(existing.id);
          result.unchanged += 1;
        } else {
          await this.edit(tx, existing, fields, embedded, actor);
          result.ids.push(existing.id);
          result.updated += 1;
        }
      }
      return result;
    });
  }

  private async insert(tx: Tx, key: string | null, fields: ArticleFields, embedded: Embedded, actor: string) {
    const id = randomUUID();
    await this.repository.insert(tx, { id, key, ...fields, version: 1, updatedBy: actor });
    await this.repository.addVersion(tx, {
      ...this.versionOf({ id }, fields),
      version: 1,
      action: 'create',
      changedBy: actor,
    });
    await this.repository.replaceChunks(tx, id, fields.title, fields.language, embedded);
    return id;
  }

  private async edit(
    tx: Tx,
    article: KnowledgeArticleEntity,
    fields: ArticleFields,
    embedded: Embedded,
    actor: string,
  ) {
    const version = article.version + 1;
    await this.repository.update(tx, article.id, { ...fields, version, updatedBy: actor });
    await this.repository.addVersion(tx, {
      ...this.versionOf(article, fields),
      version,
      action: 'update',
      changedBy: actor,
    });
    await this.repository.replaceChunks(tx, article.id, fields.title, fields.language, embedded);
  }

  private versionOf(article: Pick<KnowledgeArticleEntity, 'id'>, fields: ArticleFields) {
    return {
      articleId: article.id,
      title: fields.title,
      body: fields.body,
      url: fields.url,
      tags: fields.tags,
      language: fields.language,
    };
  }

  /** The article's chunks, each with its embedding when embeddings are on (computed before any transaction). */
  private async embedChunks(fields: ArticleFields): Promise<Embedded> {
    const chunks = chunkArticle(fields.body, fields.format);
    if (chunks.length === 0) throw new InvalidInputError('the article has no text to search');
    const vectors = await this.embeddings.embedDocuments(chunks.map((chunk) => `${fields.title}\n${chunk.text}`));
    return chunks.map((chunk, index) => ({ ...chunk, embedding: vectors?.[index] ?? null }));
  }
}

type Embedded = (ArticleChunk & { embedding: number[] | null })[];
