import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Session-level advisory locks on a dedicated connection. If the process
 * dies, Postgres drops the connection and with it the lock.
 */
@Injectable()
export class SessionLocks {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` holding the lock named `key`; returns `busy` without running it when another session holds it. */
  async withLock<T>(key: string, work: () => Promise<T>, busy: () => never): Promise<T> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      const [{ locked }] = await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        key,
      ]);
      if (!locked) busy();
      try {
        return await work();
      } finally {
        await connection.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      await connection.release();
    }
  }
}
