import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease on each run (owner and expiry) replaces the session advisory lock that held a pooled
 * connection for the whole run. Generated, reviewed; both columns start null (no one holds a run).
 */
export class RunLease1796169845435 implements MigrationInterface {
  name = 'RunLease1796169845435';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "lease_owner" character varying(128)`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "lease_expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "lease_expires_at"`);
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "lease_owner"`);
  }
}
