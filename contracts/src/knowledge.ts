import { z } from 'zod';

/**
 * The knowledge base: help-center articles the drafts are grounded in. Reading is for every signed-in
 * user; creating, editing, deleting and importing are admin-only.
 */

export const ArticleFormatSchema = z.enum(['markdown', 'html', 'text']);
export type ArticleFormat = z.infer<typeof ArticleFormatSchema>;

const httpUrl = z
  .string()
  .trim()
  .max(2_000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) address');

/** POST /api/v1/knowledge/articles and PUT /api/v1/knowledge/articles/:id. */
export const ArticleInputSchema = z.object({
  title: z.string().trim().min(1).max(300),
  /** Markdown, HTML or plain text; HTML is sanitised before it is stored. */
  body: z.string().trim().min(1).max(100_000),
  url: httpUrl.nullish(),
  tags: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
  /** A BCP 47 tag such as "en" or "de-CH"; chooses the full-text dictionary ("simple" for unknown ones). */
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en"')
    .default('en'),
  /** How to read body; guessed when absent (HTML when it has tags, else Markdown). */
  format: ArticleFormatSchema.optional(),
  /** A stable key from the source (a file name, a help-center id): importing the same key again edits the article. */
  key: z.string().trim().min(1).max(200).nullish(),
});
export type ArticleInput = z.input<typeof ArticleInputSchema>;

export const ArticleSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  format: ArticleFormatSchema,
  url: z.string().nullable(),
  tags: z.array(z.string()),
  language: z.string(),
  /** 1 when created; each edit adds one. */
  version: z.number().int(),
  chunks: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type Article = z.infer<typeof ArticleSchema>;

/** GET /api/v1/knowledge/articles?q=&limit=&offset= */
export const ArticleListQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const ArticleListSchema = z.object({
  items: z.array(ArticleSchema.omit({ body: true })),
  total: z.number().int(),
});
export type ArticleList = z.infer<typeof ArticleListSchema>;

/** GET /api/v1/knowledge/articles/:id/versions: every saved state, newest first. */
export const ArticleVersionSchema = z.object({
  version: z.number().int(),
  action: z.enum(['create', 'update', 'delete']),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  tags: z.array(z.string()),
  language: z.string(),
  changedBy: z.string(),
  changedAt: z.string(),
});
export const ArticleVersionListSchema = z.object({ items: z.array(ArticleVersionSchema) });

/**
 * POST /api/v1/knowledge/articles/import, body application/x-ndjson: one ArticleInput per line. All or
 * nothing: any bad line answers 400 naming every bad line, and nothing is stored.
 */
export const ArticleImportResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  ids: z.array(z.string()),
});
export type ArticleImportResult = z.infer<typeof ArticleImportResultSchema>;

/** POST /api/v1/reviews/:id/save-as-article: an approved, edited reply becomes an article. */
export const SaveReplyAsArticleInputSchema = z.object({
  title: z.string().trim().min(1).max(300),
  tags: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
});

/** A passage a draft was grounded in, as recorded on the run (GET /api/v1/runs/:id) and shown to reviewers. */
export const CitationSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  /** The passage's text. */
  chunk: z.string(),
});
export type Citation = z.infer<typeof CitationSchema>;
