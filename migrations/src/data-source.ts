// Data source for the TypeORM CLI (`npm run migration:generate -w @handoff/migrations`).
// Entities come from the built backend so migrations are generated from the real model.
import { DataSource, type DataSourceOptions } from 'typeorm';
import { join } from 'node:path';
import { MIGRATIONS } from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ENTITIES } = require(join(__dirname, '../../backend/dist/src/database/entities')) as {
  ENTITIES: NonNullable<DataSourceOptions['entities']>;
};

export default new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/handoff_migrations',
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'typeorm_migrations',
});
