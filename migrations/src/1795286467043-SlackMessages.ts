import { MigrationInterface, QueryRunner } from 'typeorm';

export class SlackMessages1795286467043 implements MigrationInterface {
  name = 'SlackMessages1795286467043';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "slack_messages" ("review_id" uuid NOT NULL, "channel" character varying(32) NOT NULL, "ts" character varying(32) NOT NULL, "round" integer NOT NULL, "state" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e86afed81699e98448fb452603d" PRIMARY KEY ("review_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "reviewers" ADD "slack_user_id" character varying(32)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_reviewers_slack_user" ON "reviewers"  ("slack_user_id") `);
    await queryRunner.query(
      `ALTER TABLE "slack_messages" ADD CONSTRAINT "fk_slack_messages_review" FOREIGN KEY ("review_id") REFERENCES "review_tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slack_messages" DROP CONSTRAINT "fk_slack_messages_review"`);
    await queryRunner.query(`DROP INDEX "public"."uq_reviewers_slack_user"`);
    await queryRunner.query(`ALTER TABLE "reviewers" DROP COLUMN "slack_user_id"`);
    await queryRunner.query(`DROP TABLE "slack_messages"`);
  }
}
