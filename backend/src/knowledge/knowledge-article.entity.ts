import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ArticleFormat } from '@handoff/contracts';

/** A help-center article as it stands now; its history is in knowledge_article_versions. */
@Entity({ name: 'knowledge_articles' })
@Index('ix_knowledge_articles_updated', ['updatedAt', 'id'])
export class KnowledgeArticleEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The source's own id (an imported file's name): importing the same key again edits the article. */
  @Index('uq_knowledge_articles_key', { unique: true, where: 'key IS NOT NULL' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  key: string | null;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  /** Markdown or text as written; HTML after sanitising. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 16 })
  format: ArticleFormat;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'varchar', length: 16 })
  language: string;

  @Column({ type: 'int' })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 320 })
  updatedBy: string;
}

/** Every saved state of an article, kept after it is deleted: who changed what, when. */
@Entity({ name: 'knowledge_article_versions' })
@Index('uq_knowledge_article_versions', ['articleId', 'version'], { unique: true })
export class KnowledgeArticleVersionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 8 })
  action: 'create' | 'update' | 'delete';

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'varchar', length: 16 })
  language: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 320 })
  changedBy: string;

  @CreateDateColumn({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}

/**
 * A heading-and-paragraphs piece of an article: the unit retrieval ranks and drafts cite. `search` is
 * the full-text vector (in the article's language, plus 'simple'), written with the chunk.
 */
@Entity({ name: 'knowledge_chunks' })
@Index('ix_knowledge_chunks_search', { synchronize: false })
export class KnowledgeChunkEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Index('ix_knowledge_chunks_article')
  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @ManyToOne(() => KnowledgeArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'fk_knowledge_chunks_article' })
  article?: KnowledgeArticleEntity;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 300, nullable: true })
  heading: string | null;

  @Column({ type: 'text' })
  text: string;

  /** The text search configuration the vector was built with ('english', 'german', … or 'simple'). */
  @Column({ name: 'search_config', type: 'varchar', length: 32 })
  searchConfig: string;

  @Column({ type: 'tsvector', select: false })
  search: string;

  /** The chunk's embedding when EMBEDDINGS_MODEL is set; compared in process (no pgvector here). */
  @Column({ type: 'real', array: true, nullable: true, select: false })
  embedding: number[] | null;
}
