import { MigrationInterface, QueryRunner } from 'typeorm';

export class SlackReminders1795289287361 implements MigrationInterface {
  name = 'SlackReminders1795289287361';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slack_messages" ADD "reminder_posted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "slack_messages" ADD "escalation_posted_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slack_messages" DROP COLUMN "escalation_posted_at"`);
    await queryRunner.query(`ALTER TABLE "slack_messages" DROP COLUMN "reminder_posted_at"`);
  }
}
