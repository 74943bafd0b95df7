import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real `channel` and `webhook_id` columns on inbound events, so no one recovers the webhook-id by
 * un-prefixing the idempotency key. Generated, reviewed; the backfill of existing webhook events is by hand.
 */
export class EventChannel1796165275403 implements MigrationInterface {
  name = 'EventChannel1796165275403';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "inbound_events" ADD "channel" character varying(16) NOT NULL DEFAULT 'email'`,
    );
    await queryRunner.query(`ALTER TABLE "inbound_events" ADD "webhook_id" character varying(255)`);
    // Webhook events were stored under source "webhook:<name>" with idempotency key "key:<source>:<webhook-id>".
    await queryRunner.query(
      `UPDATE "inbound_events" SET "channel" = 'webhook',
              "webhook_id" = substring("idempotency_key" FROM char_length('key:' || "source" || ':') + 1)
        WHERE "source" LIKE 'webhook:%' AND "idempotency_key" LIKE 'key:' || "source" || ':%'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbound_events" DROP COLUMN "webhook_id"`);
    await queryRunner.query(`ALTER TABLE "inbound_events" DROP COLUMN "channel"`);
  }
}
