import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { ReplayTokenEntity } from './replay-token.entity';

/** Owns inbound_replay_tokens: one-time signature nonces, kept until they could no longer be replayed. */
@Injectable()
export class ReplayTokenRepository {
  /** Records the token; returns false when it was spent before. Expired tokens are swept on the way. */
  async spend(tx: Tx, key: string, keepUntil: Date): Promise<boolean> {
    await tx.delete(ReplayTokenEntity, { expiresAt: LessThan(new Date()) });
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(ReplayTokenEntity)
      .values({ key, expiresAt: keepUntil })
      .orIgnore()
      .returning(['key'])
      .execute();
    return inserted.raw.length > 0;
  }
}
