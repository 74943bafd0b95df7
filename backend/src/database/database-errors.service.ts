import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { guardPoolErrors } from './pool-errors';

/** Applies guardPoolErrors to TypeORM's own pool once it exists. */
@Injectable()
export class DatabaseErrorsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    guardPoolErrors(pool, (error) => this.logger.warn(`connection lost: ${error.message}`));
  }
}
