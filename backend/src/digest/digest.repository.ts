import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DigestEntity } from './digest.entity';
import type { DigestStatus } from './digest-status';

/** Statuses a worker claims on its own; an admin re-send also takes a sent or skipped digest. */
export const CLAIMABLE: DigestStatus[] = ['pending', 'failed'];
export const RECLAIMABLE_BY_RESEND: DigestStatus[] = ['sent', 'skipped'];

export type DigestChannel = 'email' | 'slack';

const COLUMNS = `digest_date::text AS "digestDate", status, attempts, last_error AS "lastError", note,
  claimed_until AS "claimedUntil", email_sent_at AS "emailSentAt", slack_sent_at AS "slackSentAt", sent_at AS "sentAt"`;

export type DigestRow = Pick<
  DigestEntity,
  | 'digestDate'
  | 'status'
  | 'attempts'
  | 'lastError'
  | 'note'
  | 'claimedUntil'
  | 'emailSentAt'
  | 'slackSentAt'
  | 'sentAt'
>;

/** Owns digests: one row per date, claimed with a lease by the worker that sends it. */
@Injectable()
export class DigestRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the day's row if it is missing, then claims it for `leaseMs` when it is pending or failed, its
   * last claim lapsed, or (`resend`) it was already sent or skipped. A re-send of a sent digest forgets which
   * channels had it, so all get it again. Returns the claimed row, or null when someone else has it or it is
   * done. One UPDATE decides, so two workers racing for the same day cannot both win.
   */
  async claim(date: string, leaseMs: number, resend: boolean): Promise<DigestRow | null> {
    await this.dataSource.query(
      `INSERT INTO digests (digest_date, status) VALUES ($1, 'pending') ON CONFLICT (digest_date) DO NOTHING`,
      [date],
    );
    const [rows] = (await this.dataSource.query(
      `UPDATE digests SET status = 'sending', attempts = attempts + 1,
              claimed_until = now() + make_interval(secs => $2),
              email_sent_at = CASE WHEN status = ANY($4) THEN NULL ELSE email_sent_at END,
              slack_sent_at = CASE WHEN status = ANY($4) THEN NULL ELSE slack_sent_at END,
              updated_at = now()
        WHERE digest_date = $1
          AND (status = ANY($3) OR (status = 'sending' AND claimed_until < now()) OR ($5 AND status = ANY($4)))
        RETURNING ${COLUMNS}`,
      [date, leaseMs / 1000, CLAIMABLE, RECLAIMABLE_BY_RESEND, resend],
    )) as [DigestRow[], number];
    return rows[0] ?? null;
  }

  /** The day's row, created pending if missing. */
  async ensure(date: string): Promise<DigestRow> {
    await this.dataSource.query(
      `INSERT INTO digests (digest_date, status) VALUES ($1, 'pending') ON CONFLICT (digest_date) DO NOTHING`,
      [date],
    );
    return (await this.find(date))!;
  }

  find(date: string): Promise<DigestRow | null> {
    return this.dataSource
      .query(`SELECT ${COLUMNS} FROM digests WHERE digest_date = $1`, [date])
      .then((rows: DigestRow[]) => rows[0] ?? null);
  }

  /** Records that `channel` took the claimed digest, so a retry does not send it there twice. */
  async markChannelSent(date: string, channel: DigestChannel): Promise<void> {
    const column = channel === 'email' ? 'email_sent_at' : 'slack_sent_at';
    await this.dataSource.query(
      `UPDATE digests SET ${column} = now(), updated_at = now() WHERE digest_date = $1 AND status = 'sending'`,
      [date],
    );
  }

  /** Ends the claim: sent (every channel took it) or skipped (with the reason in `note`). */
  async finish(date: string, status: 'sent' | 'skipped', note: string | null): Promise<DigestRow | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE digests SET status = $2::varchar, note = $3, last_error = NULL, claimed_until = NULL, updated_at = now(),
              sent_at = CASE WHEN $2::varchar = 'sent' THEN now() ELSE sent_at END
        WHERE digest_date = $1 AND status = 'sending'
        RETURNING ${COLUMNS}`,
      [date, status, note],
    )) as [DigestRow[], number];
    return rows[0] ?? null;
  }

  /** Ends the claim as failed with the error (no secrets, no message text: the caller passes a summary). */
  async fail(date: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE digests SET status = 'failed', last_error = $2, claimed_until = NULL, updated_at = now()
        WHERE digest_date = $1 AND status = 'sending'`,
      [date, error.slice(0, 1_000)],
    );
  }
}
