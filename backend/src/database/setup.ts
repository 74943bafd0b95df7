import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { dataSourceOptions } from './data-source-options';

export const CHECKPOINT_SCHEMA = 'langgraph';

/** Creates the database named in the URL when it does not exist yet (connects to `postgres` to do so). */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits, _ or -`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
    return true;
  } finally {
    await admin.end();
  }
}

/** Everything `npm start` and the tests need before the service boots: database, migrations, checkpoint tables. */
export async function setUpDatabase(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<void> {
  if (await createDatabaseIfMissing(databaseUrl)) log('created database');
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    log(applied.length ? `applied migrations: ${applied.map((m) => m.name).join(', ')}` : 'migrations up to date');
  } finally {
    await dataSource.destroy();
  }
  const saver = PostgresSaver.fromConnString(databaseUrl, { schema: CHECKPOINT_SCHEMA });
  try {
    await saver.setup();
  } finally {
    await saver.end();
  }
}
