import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A transaction handed from a service to the repositories that take part in it.
 * Services only pass it along; repositories run their statements on it.
 */
export type Tx = EntityManager;

/**
 * The one way to open a transaction that spans owners: each owner's repository
 * accepts the `tx`, so a decision, its outbox row and its audit entry commit together.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** No transaction: each statement commits on its own. */
  get autocommit(): Tx {
    return this.dataSource.manager;
  }
}
