import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The learned auto-send gate: a label per review decision (review_labels), each category's calibrated
 * threshold and pin (category_calibration), the history of mode changes (calibration_changes), why each run
 * was routed (workflow_runs.routing) and the category a correction named (review_decisions.category).
 * Generated from the entities, reviewed. New tables start empty: every category starts in review.
 */
export class Autopilot1796177325324 implements MigrationInterface {
  name = 'Autopilot1796177325324';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "calibration_changes" ("id" uuid NOT NULL, "category" character varying(64) NOT NULL, "from_mode" character varying(8) NOT NULL, "to_mode" character varying(8) NOT NULL, "cause" character varying(16) NOT NULL, "actor" character varying(320) NOT NULL, "threshold" double precision, "precision_lower_bound" double precision, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_90fa8000358d31a05a724ae50bd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_calibration_changes_at" ON "calibration_changes"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE "category_calibration" ("category" character varying(64) NOT NULL, "learned_mode" character varying(8) NOT NULL DEFAULT 'review', "threshold" double precision, "evidence" integer NOT NULL DEFAULT '0', "successes" integer NOT NULL DEFAULT '0', "precision_estimate" double precision, "precision_lower_bound" double precision, "coverage" double precision NOT NULL DEFAULT '0', "curve" jsonb NOT NULL, "override_mode" character varying(8), "override_threshold" double precision, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5069b3cb6e5598bc4494fa41dbf" PRIMARY KEY ("category"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "review_labels" ("id" uuid NOT NULL, "decision_id" uuid NOT NULL, "run_id" uuid NOT NULL, "review_id" uuid NOT NULL, "round" integer NOT NULL, "category" character varying(64) NOT NULL, "confidence" double precision NOT NULL, "outcome" character varying(16) NOT NULL, "edit_distance" double precision, "corrected_category" character varying(64), "audit_sample" boolean NOT NULL DEFAULT false, "success" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1be76625fb8ab3dd2bf67274c9d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_review_labels_decision" ON "review_labels"  ("decision_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_review_labels_category_round" ON "review_labels"  ("category", "round") `,
    );
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "routing" jsonb`);
    await queryRunner.query(`ALTER TABLE "review_decisions" ADD "category" character varying(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_decisions" DROP COLUMN "category"`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "routing"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_labels_category_round"`);
    await queryRunner.query(`DROP INDEX "public"."uq_review_labels_decision"`);
    await queryRunner.query(`DROP TABLE "review_labels"`);
    await queryRunner.query(`DROP TABLE "category_calibration"`);
    await queryRunner.query(`DROP INDEX "public"."ix_calibration_changes_at"`);
    await queryRunner.query(`DROP TABLE "calibration_changes"`);
  }
}
