import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { setUpDatabase } from '../src/database/setup';
import { TestWorld } from './support/test-service';

const world = new TestWorld();
before(() => world.setUp());
after(() => world.tearDown());

test('the migrations produce exactly the schema the entities describe', async () => {
  const dataSource = new DataSource(dataSourceOptions(world.databaseUrl));
  await dataSource.initialize();
  try {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(
      pending.upQueries.map((query) => query.query),
      [],
      'entities and migrations disagree; generate a migration',
    );
    assert.equal(await dataSource.showMigrations(), false, 'every migration is applied');
  } finally {
    await dataSource.destroy();
  }
});

test('setup is idempotent and creates the checkpoint tables in their own schema', async () => {
  // The world's database is a copy of one `setUpDatabase` built; running it again must change nothing.
  await setUpDatabase(world.databaseUrl);
  const tables = await world.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'langgraph' ORDER BY table_name",
  );
  assert.deepEqual(
    tables.map((row) => row.table_name),
    ['checkpoint_blobs', 'checkpoint_migrations', 'checkpoint_writes', 'checkpoints'],
  );
});
