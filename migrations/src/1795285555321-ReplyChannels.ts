import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox rows for non-email channels (callback): a target instead of an address. Generated, reviewed. */
export class ReplyChannels1795285555321 implements MigrationInterface {
  name = 'ReplyChannels1795285555321';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbound_messages" ADD "target" jsonb`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" ALTER COLUMN "to_address" DROP NOT NULL`);
  }

  // Fails while callback rows (no address) exist: delete or archive them before going back.
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbound_messages" ALTER COLUMN "to_address" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP COLUMN "target"`);
  }
}
