import { Injectable } from '@nestjs/common';
import { RunRepository } from '../workflow/run.repository';

export interface DeadLetter {
  runId: string;
  eventId: string;
  from: string;
  subject: string;
  error: string | null;
  failedStep: string | null;
  failedAt: string | null;
  reply: { status: string } | null;
}

/** Failed runs ("dead letters") for operators, newest first, with their error and the step they failed in. */
@Injectable()
export class DeadLettersService {
  constructor(private readonly runs: RunRepository) {}

  async list(limit: number, before?: string): Promise<{ items: DeadLetter[]; nextBefore: string | null }> {
    const rows = await this.runs.listFailed(limit + 1, before);
    const items = rows.slice(0, limit).map((row) => ({
      runId: row.id,
      eventId: row.event_id,
      from: row.from_address,
      subject: row.subject,
      error: row.error,
      failedStep: row.failed_step,
      failedAt: row.finished_at ? row.finished_at.toISOString() : null,
      reply: row.reply_status ? { status: row.reply_status } : null,
    }));
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.failedAt : null };
  }
}
