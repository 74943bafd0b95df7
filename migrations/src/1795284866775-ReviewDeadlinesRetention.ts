import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review deadlines (reminder and default action timers on review_tasks), holding
 * replies as a second outbox kind per run, and checkpoint retention bookkeeping.
 * Reviews already open get no reminder and the `escalate` action at their due time.
 */
export class ReviewDeadlinesRetention1795284866775 implements MigrationInterface {
  name = 'ReviewDeadlinesRetention1795284866775';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "checkpoints_pruned_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "outbound_messages" ADD "kind" character varying(16) NOT NULL DEFAULT 'reply'`,
    );
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "remind_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "reminded_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "review_tasks" ADD "deadline_action" character varying(16) NOT NULL DEFAULT 'escalate'`,
    );
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "deadline_action_taken_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "review_tasks" ADD "escalated_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "ix_workflow_runs_unpruned" ON "workflow_runs"  ("finished_at") WHERE checkpoints_pruned_at IS NULL AND finished_at IS NOT NULL`,
    );
    // One reply and one holding reply per run: the new unique index replaces the one-row-per-run index.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_outbound_messages_run_kind" ON "outbound_messages"  ("run_id", "kind") `,
    );
    await queryRunner.query(`DROP INDEX "public"."uq_outbound_messages_run"`);
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_due_pending" ON "review_tasks"  ("due_at") WHERE status = 'pending' AND deadline_action_taken_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_review_tasks_remind_pending" ON "review_tasks"  ("remind_at") WHERE status = 'pending' AND reminded_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_remind_pending"`);
    await queryRunner.query(`DROP INDEX "public"."ix_review_tasks_due_pending"`);
    await queryRunner.query(`DROP INDEX "public"."uq_outbound_messages_run_kind"`);
    await queryRunner.query(`DROP INDEX "public"."ix_workflow_runs_unpruned"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "escalated_at"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "deadline_action_taken_at"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "deadline_action"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "reminded_at"`);
    await queryRunner.query(`ALTER TABLE "review_tasks" DROP COLUMN "remind_at"`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP COLUMN "kind"`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "checkpoints_pruned_at"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_outbound_messages_run" ON "outbound_messages" USING btree ("run_id") `,
    );
  }
}
