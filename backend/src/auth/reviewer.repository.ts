import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { ReviewerEntity } from './reviewer.entity';

type ReviewerChange = Partial<Pick<ReviewerEntity, 'role' | 'disabledAt' | 'slackUserId' | 'passwordHash'>>;

/** Owns reviewers: the accounts that sign in and decide. */
@Injectable()
export class ReviewerRepository {
  constructor(private readonly dataSource: DataSource) {}

  private reviewers(tx: Tx = this.dataSource.manager) {
    return tx.getRepository(ReviewerEntity);
  }

  /** Creates the first admin unless there is an admin already; safe when several processes start at once. */
  async addFirstAdmin(id: string, email: string, passwordHash: string): Promise<boolean> {
    const [, created] = (await this.dataSource.query(
      `INSERT INTO reviewers (id, email, name, role, password_hash)
       SELECT $1, $2, 'Admin', 'admin', $3 WHERE NOT EXISTS (SELECT 1 FROM reviewers WHERE role = 'admin')
       ON CONFLICT (email) DO NOTHING`,
      [id, email, passwordHash],
    )) as [unknown, number];
    return created > 0;
  }

  /** Adds the account unless its email is taken; returns whether it was added. */
  async addOnce(
    tx: Tx,
    reviewer: Pick<ReviewerEntity, 'id' | 'email' | 'name' | 'role' | 'passwordHash'>,
  ): Promise<boolean> {
    const inserted = await this.reviewers(tx)
      .createQueryBuilder()
      .insert()
      .into(ReviewerEntity)
      .values(reviewer)
      .orIgnore()
      .returning(['id'])
      .execute();
    return inserted.raw.length > 0;
  }

  find(id: string, tx?: Tx): Promise<ReviewerEntity | null> {
    return this.reviewers(tx).findOne({ where: { id } });
  }

  findByEmail(email: string): Promise<ReviewerEntity | null> {
    return this.reviewers().findOne({ where: { email } });
  }

  findBySlackUser(slackUserId: string, tx?: Tx): Promise<ReviewerEntity | null> {
    return this.reviewers(tx).findOne({ where: { slackUserId } });
  }

  list(): Promise<ReviewerEntity[]> {
    return this.reviewers().find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Locks every enabled admin row (in id order, so concurrent callers queue) and returns their ids. */
  async lockEnabledAdmins(tx: Tx): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM reviewers WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
    );
    return rows.map((row) => row.id);
  }

  async update(tx: Tx, id: string, change: ReviewerChange): Promise<void> {
    await this.reviewers(tx).update({ id }, change);
  }
}
