import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@handoff/migrations';
import { ENTITIES } from './entities';

/** The one place TypeORM is configured; used by the app, the setup command and tests. */
export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, application_name: 'handoff' },
  };
}
