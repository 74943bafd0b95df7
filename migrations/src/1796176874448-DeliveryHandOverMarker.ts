import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hand-over marker on each outbound row: committed right before the step after which the receiver
 * may hold the message, so a row a crashed sender left `sending` without it is safe to send again.
 * Written from the entity, reviewed; existing rows start null.
 */
export class DeliveryHandOverMarker1796176874448 implements MigrationInterface {
  name = 'DeliveryHandOverMarker1796176874448';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbound_messages" ADD "committed_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP COLUMN "committed_at"`);
  }
}
