import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-ups and approvals bound to what they approved: each event's conversation key (backfilled the way
 * ingest/conversation-key.ts computes it), each run's follow-up decision and superseding run, and the approval
 * hash on decisions and outbox rows. Reply rows still pending at upgrade have no hash and are withheld as not
 * matching their approval: let the outbox drain before upgrading.
 */

export class FollowUps1796177341471 implements MigrationInterface {
  name = 'FollowUps1796177341471';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbound_events" ADD "conversation_key" character varying(1400)`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "follow_up" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "superseded_by" uuid`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" ADD "approval_hash" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "review_decisions" ADD "approval_hash" character varying(64)`);
    await queryRunner.query(`CREATE INDEX "ix_inbound_events_conversation" ON "inbound_events"  ("conversation_key") `);
    await queryRunner.query(
      `UPDATE "inbound_events"
                SET "conversation_key" = lower(trim("from_address")) || ' ' || coalesce("references"->>0, "in_reply_to", "message_id")
              WHERE coalesce("references"->>0, "in_reply_to", "message_id") IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "ix_workflow_runs_superseded_by" ON "workflow_runs"  ("superseded_by") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_workflow_runs_superseded_by"`);
    await queryRunner.query(`DROP INDEX "public"."ix_inbound_events_conversation"`);
    await queryRunner.query(`ALTER TABLE "review_decisions" DROP COLUMN "approval_hash"`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP COLUMN "approval_hash"`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "superseded_by"`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "follow_up"`);
    await queryRunner.query(`ALTER TABLE "inbound_events" DROP COLUMN "conversation_key"`);
  }
}
