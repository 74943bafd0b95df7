import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/unit-of-work';
import { AuditLogEntity } from './audit-log.entity';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: 'event' | 'run' | 'review' | 'outbound' | 'reviewer' | 'calibration' | 'model';
  entityId: string;
  /** Ids, statuses and reasons only: never message bodies or secrets. */
  data?: Record<string, unknown>;
}

export type AuditTrailEntry = Pick<AuditLogEntity, 'at' | 'actor' | 'action' | 'entityType' | 'data'>;

/** Owns audit_log: appended inside the caller's transaction, so the trail never disagrees with the data. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    await tx.save(tx.create(AuditLogEntity, { ...entry, data: entry.data ?? {} }));
  }

  /** The entries about any of these entities, oldest first; a null id matches nothing. */
  trailOf(entities: [type: AuditEntry['entityType'], id: string | null][]): Promise<AuditTrailEntry[]> {
    const pairs = entities.map((_, index) => `($${index * 2 + 1}, $${index * 2 + 2}::uuid)`).join(', ');
    return this.dataSource.query(
      `SELECT at, actor, action, entity_type AS "entityType", data FROM audit_log
       WHERE (entity_type, entity_id) IN (${pairs})
       ORDER BY at, id`,
      entities.flat(),
    );
  }

  /** Entries in [from, to) whose action starts with one of `prefixes`, oldest first. */
  withActionPrefix(prefixes: string[], from: Date, to: Date): Promise<AuditTrailEntry[]> {
    return this.dataSource.query(
      `SELECT at, actor, action, entity_type AS "entityType", data FROM audit_log
       WHERE at >= $1 AND at < $2 AND action LIKE ANY($3::text[])
       ORDER BY at, id`,
      [from, to, prefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`)],
    );
  }
}
