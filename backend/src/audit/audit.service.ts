import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: 'event' | 'run' | 'review' | 'outbound' | 'reviewer';
  entityId: string;
  /** Ids, statuses and reasons only: never message bodies or secrets. */
  data?: Record<string, unknown>;
}

/** Appends to the audit trail inside the caller's transaction, so the trail never disagrees with the data. */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.save(manager.create(AuditLogEntity, { ...entry, data: entry.data ?? {} }));
  }
}
