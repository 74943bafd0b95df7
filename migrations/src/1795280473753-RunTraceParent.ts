import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ingest trace context on each run, so a later decision joins the same trace. Generated, reviewed. */
export class RunTraceParent1795280473753 implements MigrationInterface {
  name = 'RunTraceParent1795280473753';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" ADD "trace_parent" character varying(128)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_runs" DROP COLUMN "trace_parent"`);
  }
}
