import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '@handoff/graphs/testing';
import type { AppConfig } from '../src/config/config.schema';
import { dataSourceOptions } from '../src/database/data-source-options';
import { UnitOfWork } from '../src/database/unit-of-work';
import { EmbeddingsService } from '../src/knowledge/embeddings.service';
import { KnowledgeRepository } from '../src/knowledge/knowledge.repository';
import { KnowledgeService } from '../src/knowledge/knowledge.service';
import { RetrievalService } from '../src/knowledge/retrieval.service';
import { TestWorld } from './support/test-service';

/**
 * Retrieval with EMBEDDINGS_MODEL set, on real PostgreSQL and the loopback OpenAI-compatible server's
 * /v1/embeddings. Three stove articles all match the email in full text, Alpha best; the embedder says
 * Bravo is closest in meaning, then Charlie, then Alpha. Reciprocal rank fusion of the two orders puts
 * Bravo first, which full text alone never does.
 */
const world = new TestWorld();
let llm: FakeOpenAIServer;
let dataSource: DataSource;

/** A vector per article by the name in its title; anything else (the email) leans to Bravo, then Charlie. */
const embedder = (input: string) =>
  input.includes('Alpha')
    ? [1, 0, 0]
    : input.includes('Bravo')
      ? [0, 1, 0]
      : input.includes('Charlie')
        ? [0, 0, 1]
        : [0.2, 1, 0.6];

const ARTICLES = [
  {
    title: 'Alpha stove',
    body: 'Clean the stove burner and the stove valve after every trip; a clean burner and valve keep the stove lit.',
  },
  { title: 'Bravo stove', body: 'Clean the stove burner before storing it for winter.' },
  { title: 'Charlie stove', body: 'A stove with a blocked burner needs a new jet.' },
];

function retrievalWith(config: Partial<AppConfig>) {
  const embeddings = new EmbeddingsService(config as AppConfig);
  const repository = new KnowledgeRepository(dataSource);
  return {
    knowledge: new KnowledgeService(new UnitOfWork(dataSource), repository, embeddings),
    retrieval: new RetrievalService(
      repository,
      embeddings,
      { similar: () => Promise.resolve([]) },
      { knowledgeHits: { observe: () => undefined } },
    ),
  };
}

before(async () => {
  await world.setUp();
  llm = await startFakeOpenAIServer({ responder: () => '', embedder });
  dataSource = await new DataSource(dataSourceOptions(world.databaseUrl, 2)).initialize();
});
after(async () => {
  await dataSource?.destroy();
  await llm?.close();
  await world.tearDown();
});

describe('retrieval with embeddings', () => {
  test('chunks and the email are embedded, and fusion reorders what full text ranked', async () => {
    const withEmbeddings = retrievalWith({
      EMBEDDINGS_MODEL: 'embed-test',
      OPENAI_API_KEY: llm.apiKey,
      OPENAI_BASE_URL: llm.baseURL,
    });
    for (const article of ARTICLES)
      await withEmbeddings.knowledge.create({ ...article, tags: [], language: 'en' }, 'test');
    assert.deepEqual(
      llm.embeddingRequests.map((request) => [request.model, request.input.length]),
      [
        ['embed-test', 1],
        ['embed-test', 1],
        ['embed-test', 1],
      ],
      'one chunk per article, embedded on save',
    );

    const subject = 'Stove burner';
    const text = 'How do I clean the burner and valve of my stove?';
    const fullText = await retrievalWith({}).retrieval.rank(subject, text, 'en');
    assert.deepEqual(
      fullText.map((passage) => passage.title),
      ['Alpha stove', 'Bravo stove', 'Charlie stove'],
    );

    const fused = await withEmbeddings.retrieval.rank(subject, text, 'en');
    assert.deepEqual(
      fused.map((passage) => passage.title),
      ['Bravo stove', 'Alpha stove', 'Charlie stove'],
    );
    assert.deepEqual(llm.embeddingRequests.at(-1)?.input, [`${subject}\n${text}`], 'the email is embedded as a query');
  });

  test('an embeddings outage falls back to full text', async () => {
    const down = retrievalWith({
      EMBEDDINGS_MODEL: 'embed-test',
      OPENAI_API_KEY: 'wrong-key',
      OPENAI_BASE_URL: llm.baseURL,
    });
    const ranked = await down.retrieval.rank('Stove burner', 'How do I clean the burner and valve of my stove?', 'en');
    assert.deepEqual(
      ranked.map((passage) => passage.title),
      ['Alpha stove', 'Bravo stove', 'Charlie stove'],
    );
  });
});
