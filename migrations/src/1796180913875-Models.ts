import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The offline model registry (model_versions) and the version that classified each run and label. Generated from
 * the entities, reviewed. Version 1 is the shipped model (its weights are the build's model.json) and starts active.
 */
export class Models1796180913875 implements MigrationInterface {
  name = 'Models1796180913875';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "model_versions" ("version" integer NOT NULL, "id" uuid NOT NULL, "status" character varying(16) NOT NULL, "pipeline" character varying(16) NOT NULL, "trigger" character varying(16) NOT NULL, "triggered_by" character varying(320), "control" character varying(32), "training_counts" jsonb NOT NULL DEFAULT '{}', "metrics" jsonb, "reason" text, "failed_stage" character varying(16), "stages" jsonb NOT NULL DEFAULT '{}', "dataset" jsonb, "weights" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "activated_at" TIMESTAMP WITH TIME ZONE, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ff1f4bf8f71fefda3ffc9a3a1d1" PRIMARY KEY ("version"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_model_versions_id" ON "model_versions"  ("id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_model_versions_running" ON "model_versions"  ("pipeline") WHERE pipeline = 'running'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_model_versions_active" ON "model_versions"  ("status") WHERE status = 'active'`,
    );
    await queryRunner.query(`ALTER TABLE "review_labels" ADD "model_version" integer`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "model_version" integer`);
    await queryRunner.query(
      `INSERT INTO "model_versions" ("version", "id", "status", "pipeline", "trigger", "reason", "activated_at", "finished_at")
             VALUES (1, gen_random_uuid(), 'active', 'finished', 'shipped', 'the model shipped with Handoff', now(), now())`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "model_version"`);
    await queryRunner.query(`ALTER TABLE "review_labels" DROP COLUMN "model_version"`);
    await queryRunner.query(`DROP INDEX "public"."uq_model_versions_active"`);
    await queryRunner.query(`DROP INDEX "public"."uq_model_versions_running"`);
    await queryRunner.query(`DROP INDEX "public"."uq_model_versions_id"`);
    await queryRunner.query(`DROP TABLE "model_versions"`);
  }
}
