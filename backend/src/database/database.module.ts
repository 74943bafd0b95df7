import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { DatabaseErrorsService } from './database-errors.service';
import { DatabaseHealth } from './database-health';
import { dataSourceOptions } from './data-source-options';
import { PoolBudget } from './pool-budget';
import { UnitOfWork } from './unit-of-work';

/** The data source, and the helpers every owner's repository and service may use. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
    }),
  ],
  providers: [DatabaseErrorsService, PoolBudget, UnitOfWork, DatabaseHealth],
  exports: [UnitOfWork, DatabaseHealth],
})
export class DatabaseModule {}
