import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily digest's row per day (the primary key keeps one per date, whichever worker claims it), and an
 * index on audit_log.at for the read models that take a period's entries (the learned gate's changes).
 * Generated from the entities, reviewed.
 */
export class Digests1796177067830 implements MigrationInterface {
  name = 'Digests1796177067830';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "digests" ("digest_date" date NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "note" text, "claimed_until" TIMESTAMP WITH TIME ZONE, "email_sent_at" TIMESTAMP WITH TIME ZONE, "slack_sent_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_digests" PRIMARY KEY ("digest_date"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_audit_log_at"`);
    await queryRunner.query(`DROP TABLE "digests"`);
  }
}
