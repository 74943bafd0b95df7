import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue's counts per category, channel and assignee read one index (index-only scans), and reviews opened
 * from `POST /api/v1/webhooks/:source` events get channel `webhook` (they were all recorded as `email`).
 */
export class QueueFacetCounts1795288831354 implements MigrationInterface {
  name = 'QueueFacetCounts1795288831354';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_status_category"`);
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_status_facets" ON "review_tasks"  ("status", "category", "channel", "claimed_until", "claimed_by") `,
    );
    // Hand-written: the data fix for reviews opened before the channel was derived from the event's source.
    await queryRunner.query(
      `UPDATE "review_tasks" t SET "channel" = 'webhook'
         FROM "workflow_runs" r JOIN "inbound_events" e ON e."id" = r."event_id"
        WHERE r."id" = t."run_id" AND e."source" LIKE 'webhook:%' AND t."channel" <> 'webhook'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "review_tasks" SET "channel" = 'email' WHERE "channel" = 'webhook'`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_status_facets"`);
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_status_category" ON "review_tasks" USING btree ("status", "category", "claimed_until") `,
    );
  }
}
