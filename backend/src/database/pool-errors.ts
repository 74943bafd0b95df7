import type { Pool, PoolClient } from 'pg';

/**
 * A pg connection dropped by a database restart emits 'error'. With no
 * listener that is an uncaught exception that takes the whole process down,
 * even when the query in flight already failed cleanly. Listen on the pool
 * (idle clients) and on every client it opens (checked-out clients).
 */
export function guardPoolErrors(pool: Pool, log: (error: Error) => void): void {
  pool.on('error', log);
  pool.on('connect', (client: PoolClient) => client.on('error', log));
}
