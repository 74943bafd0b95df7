import { Client } from 'pg';
import { CHECKPOINT_SCHEMA } from '../../src/database/setup';
import type { RunControl } from './run-control';

/**
 * PostgreSQL publishes a busy backend's counters only once it has been idle for
 * PGSTAT_IDLE_INTERVAL (10 s), so xact_commit is read after the service has idled
 * that long; the background jobs that run meanwhile (sweeper) count as service work.
 */
export const STATS_SETTLE_MS = 11_000;

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'handoff-bench' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A database the bench creates on the server at `serverUrl` and drops on clean-up. */
export class BenchDatabase {
  readonly url: string;

  constructor(
    private readonly serverUrl: string,
    readonly name: string,
  ) {
    this.url = `${serverUrl}/${name}`;
  }

  /** Registers the drop first, so a failure halfway through set-up still removes it. */
  register(control: RunControl): this {
    control.onCleanUp(`drop database ${this.name}`, () =>
      withClient(`${this.serverUrl}/postgres`, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`),
      ).then(() => undefined),
    );
    return this;
  }

  /** Committed transactions so far, as pg_stat_database publishes them (read from another database). */
  committedTransactions(): Promise<number> {
    return withClient(`${this.serverUrl}/postgres`, async (client) => {
      const { rows } = await client.query<{ commits: string }>(
        'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1',
        [this.name],
      );
      return Number(rows[0]?.commits ?? 0);
    });
  }

  /** Connections other than the bench's own, e.g. a service's pool. */
  connections(): Promise<number> {
    return withClient(`${this.serverUrl}/postgres`, async (client) => {
      const { rows } = await client.query<{ count: string }>(
        `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'handoff-bench'`,
        [this.name],
      );
      return Number(rows[0]!.count);
    });
  }

  /**
   * Bytes stored in LangGraph's tables (checkpoints, blobs, writes). One
   * transaction in this database, which the next commit reading includes:
   * HARNESS_COMMITS_PER_READING says how many to take off.
   */
  checkpointBytes(): Promise<number> {
    const size = (table: string) =>
      `(SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM ${CHECKPOINT_SCHEMA}.${table} t)`;
    return withClient(this.url, async (client) => {
      const { rows } = await client.query<{ bytes: string }>(
        `SELECT ${size('checkpoints')} + ${size('checkpoint_blobs')} + ${size('checkpoint_writes')} AS bytes`,
      );
      return Number(rows[0]!.bytes);
    });
  }
}

export const HARNESS_COMMITS_PER_READING = 1;

export interface DatabaseReading {
  commits: number;
  checkpointBytes: number;
}

/**
 * Waits until the database's counters include everything done so far, then reads
 * them. With no other connection open the published counters are final at once;
 * otherwise the idle interval has to pass (STATS_SETTLE_MS).
 */
export async function settledReading(database: BenchDatabase, control: RunControl): Promise<DatabaseReading> {
  if ((await database.connections()) > 0) await control.sleep(STATS_SETTLE_MS);
  else {
    // A closed backend publishes its counters as it exits: read until two readings agree.
    let previous = -1;
    for (let current = await database.committedTransactions(); current !== previous;) {
      previous = current;
      await control.sleep(200);
      current = await database.committedTransactions();
    }
  }
  const commits = await database.committedTransactions();
  return { commits, checkpointBytes: await database.checkpointBytes() };
}

/** What one phase cost: commits and checkpoint bytes between two readings, per run. */
export function perRun(before: DatabaseReading, after: DatabaseReading, runs: number) {
  return {
    commitsPerRun: (after.commits - before.commits - HARNESS_COMMITS_PER_READING) / runs,
    checkpointBytesPerRun: (after.checkpointBytes - before.checkpointBytes) / runs,
  };
}
