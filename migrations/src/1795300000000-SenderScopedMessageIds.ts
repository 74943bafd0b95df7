import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message-ID idempotency keys become scoped to the sender (`mid:` + sha256 of the ASCII-lower-cased
 * address, a newline and the id), so that one sender cannot claim another's Message-ID. Rewrites the
 * keys of events stored before, the same way backend/src/ingest-safety/sender-scope.ts computes them,
 * so a retry of such a message is still recognised as a duplicate. Data only; no schema change.
 */
export class SenderScopedMessageIds1795300000000 implements MigrationInterface {
  name = 'SenderScopedMessageIds1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "inbound_events"
          SET "idempotency_key" = 'mid:' || encode(sha256(convert_to(
                translate("from_address", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
                || E'\\n' || "message_id", 'UTF8')), 'hex')
        WHERE "idempotency_key" = 'mid:' || "message_id"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Only one event per Message-ID can take the old unscoped key; later ones from other senders keep theirs.
    await queryRunner.query(
      `UPDATE "inbound_events" e
          SET "idempotency_key" = 'mid:' || e."message_id"
        WHERE e."idempotency_key" LIKE 'mid:%' AND e."message_id" IS NOT NULL
          AND e."id" = (SELECT first."id" FROM "inbound_events" first
                         WHERE first."message_id" = e."message_id" ORDER BY first."received_at", first."id" LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM "inbound_events" other WHERE other."idempotency_key" = 'mid:' || e."message_id")`,
    );
  }
}
