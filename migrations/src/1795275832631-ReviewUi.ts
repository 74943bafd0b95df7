import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviewer accounts and sessions; claims; the queue's sort, filter and search
 * columns copied onto review_tasks with their indexes. Generated from the
 * entities, then edited by hand: existing tasks are backfilled before the new
 * columns become NOT NULL, and the pg_trgm search index is added (TypeORM
 * cannot describe it; the entity marks it synchronize: false).
 */
export class ReviewUi1795275832631 implements MigrationInterface {
  name = 'ReviewUi1795275832631';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "reviewers" ("id" uuid NOT NULL, "email" character varying(320) NOT NULL, "name" text NOT NULL, "role" character varying(16) NOT NULL, "password_hash" text NOT NULL, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_79de995aea9d2f606dff4cfefcd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_reviewers_email" ON "reviewers"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("token_hash" character(64) NOT NULL, "reviewer_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_abaa9e068cdd390bc5210f79884" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_sessions_reviewer" ON "sessions"  ("reviewer_id") `);

    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "from_address" character varying(320)`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "subject" text`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "category" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "channel" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "confidence" double precision`);
    await queryRunner.query(
      `UPDATE "review_tasks" t SET "from_address" = e."from_address", "subject" = e."subject",
         "category" = t."request"->'classification'->>'category', "channel" = 'email',
         "confidence" = (t."request"->>'confidence')::double precision,
         "due_at" = COALESCE(t."due_at", t."created_at")
       FROM "workflow_runs" r JOIN "inbound_events" e ON e."id" = r."event_id"
       WHERE r."id" = t."run_id"`,
    );
    for (const column of ['from_address', 'subject', 'category', 'channel', 'confidence', 'due_at']) {
      await queryRunner.query(`ALTER TABLE "review_tasks" ALTER COLUMN "${column}" SET NOT NULL`);
    }
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "claimed_until" TIMESTAMP WITH TIME ZONE`);
    // claimed_by was never written before; it now names a reviewer account.
    await queryRunner.query(`ALTER TABLE "review_tasks" ALTER COLUMN "claimed_by" TYPE uuid USING NULL`);
    await queryRunner.query(`CREATE INDEX "ix_review_tasks_claimed_by" ON "review_tasks"  ("claimed_by") `);
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_status_category" ON "review_tasks"  ("status", "category", "claimed_until") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_status_confidence" ON "review_tasks"  ("status", "confidence", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_review_tasks_status_due" ON "review_tasks"  ("status", "due_at", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_review_decisions_decided" ON "review_decisions"  ("decided_at", "id") `);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // Substring search over subject and sender (ILIKE '%…%'); the queue query uses the same expression.
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_search" ON "review_tasks" USING gin (("subject" || ' ' || "from_address") gin_trgm_ops)`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "fk_sessions_reviewer" FOREIGN KEY ("reviewer_id") REFERENCES "reviewers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "review_tasks" ADD CONSTRAINT "fk_review_tasks_claimed_by" FOREIGN KEY ("claimed_by") REFERENCES "reviewers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP CONSTRAINT "fk_review_tasks_claimed_by"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_reviewer"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_search"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_decisions_decided"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_status_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_status_confidence"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_status_category"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_claimed_by"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ALTER COLUMN "claimed_by" TYPE character varying(320)`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ALTER COLUMN "due_at" DROP NOT NULL`);
    for (const column of ['claimed_until', 'confidence', 'channel', 'category', 'subject', 'from_address']) {
      await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "${column}"`);
    }
    await queryRunner.query(`DROP INDEX "public"."ix_sessions_reviewer"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP INDEX "public"."uq_reviewers_email"`);
    await queryRunner.query(`DROP TABLE "reviewers"`);
  }
}
