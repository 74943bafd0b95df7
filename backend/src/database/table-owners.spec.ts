import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from './entities';

/** The one repository that writes each table; lint keeps entities and database handles inside owners. */
const OWNERS: Record<string, string> = {
  inbound_events: 'ingest/inbound-event.repository.ts',
  inbound_replay_tokens: 'ingest/replay-token.repository.ts',
  workflow_runs: 'workflow/run.repository.ts',
  run_steps: 'workflow/run.repository.ts',
  review_tasks: 'reviews/review.repository.ts',
  review_decisions: 'reviews/review.repository.ts',
  slack_messages: 'reviews/slack/slack-message.repository.ts',
  outbound_messages: 'delivery/outbox.repository.ts',
  audit_log: 'audit/audit.repository.ts',
  llm_calls: 'observability/llm-call.repository.ts',
  reviewers: 'auth/reviewer.repository.ts',
  sessions: 'auth/session.repository.ts',
  digests: 'digest/digest.repository.ts',
  knowledge_articles: 'knowledge/knowledge.repository.ts',
  knowledge_article_versions: 'knowledge/knowledge.repository.ts',
  knowledge_chunks: 'knowledge/knowledge.repository.ts',
  review_labels: 'calibration/calibration.repository.ts',
  category_calibration: 'calibration/calibration.repository.ts',
  calibration_changes: 'calibration/calibration.repository.ts',
  model_versions: 'models/models.repository.ts',
};

/** The TypeScript sources, read beside the compiled spec (dist/src/database → src). */
const SRC = join(__dirname, '../../../src');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('table owners', () => {
  test('every table has an owner, and every owner is a repository that exists', () => {
    const tables = getMetadataArgsStorage()
      .tables.filter((table) => ENTITIES.includes(table.target as (typeof ENTITIES)[number]))
      .map((table) => table.name);
    assert.deepEqual(Object.keys(OWNERS).sort(), tables.sort(), 'one owner per entity table');
    for (const owner of new Set(Object.values(OWNERS))) assert.ok(statSync(join(SRC, owner)).isFile(), owner);
  });

  test('raw SQL writes a table only in its owner’s repository', () => {
    const writes = /\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?([a-z_]+)"?/g;
    for (const path of sources(SRC).filter((file) => !file.endsWith('.spec.ts'))) {
      const file = relative(SRC, path);
      for (const [, table] of readFileSync(path, 'utf8').matchAll(writes)) {
        if (!(table! in OWNERS)) continue;
        assert.equal(file, OWNERS[table!], `${file} writes ${table}, which ${OWNERS[table!]} owns`);
      }
    }
  });
});
