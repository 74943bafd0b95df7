import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Mailgun-style signature tokens already used (replay refusal) and the reply channel of webhook events. Generated, reviewed. */
export class InboundChannels1795276009395 implements MigrationInterface {
  name = 'InboundChannels1795276009395';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbound_replay_tokens" ("key" character varying(300) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f42f43d1478d9b700e25565b1ea" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_inbound_replay_tokens_expires_at" ON "inbound_replay_tokens"  ("expires_at") `,
    );
    await queryRunner.query(`ALTER TABLE "inbound_events" ADD "reply_channel" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbound_events" DROP COLUMN "reply_channel"`);
    await queryRunner.query(`DROP INDEX "public"."ix_inbound_replay_tokens_expires_at"`);
    await queryRunner.query(`DROP TABLE "inbound_replay_tokens"`);
  }
}
