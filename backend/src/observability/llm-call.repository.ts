import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LlmCall } from './llm-call-recorder';
import { LlmCallEntity } from './llm-call.entity';

/** Owns llm_calls: every LLM request a run made, for its timeline. */
@Injectable()
export class LlmCallRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(runId: string, calls: LlmCall[]): Promise<void> {
    await this.dataSource.getRepository(LlmCallEntity).insert(calls.map((call) => ({ runId, ...call })));
  }

  ofRun(runId: string): Promise<LlmCallEntity[]> {
    return this.dataSource
      .getRepository(LlmCallEntity)
      .find({ where: { runId }, order: { startedAt: 'ASC', id: 'ASC' } });
  }
}
