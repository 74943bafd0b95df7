import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops ix_knowledge_chunks_trgm. It indexed chunks' `heading`, but retrieval's short-query match is
 * `word_similarity(words, a.title || ' ' || c.heading)` over a join with the articles: an expression no
 * index on one table can serve, and a function call rather than the indexable `<%` operator. It was
 * never used and only slowed writes. Full text (ix_knowledge_chunks_search) keeps its GIN index.
 */
export class DropKnowledgeTrigramIndex1796179471252 implements MigrationInterface {
  name = 'DropKnowledgeTrigramIndex1796179471252';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "public"."ix_knowledge_chunks_trgm"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_knowledge_chunks_trgm" ON "knowledge_chunks" USING gin ("heading" gin_trgm_ops)`,
    );
  }
}
