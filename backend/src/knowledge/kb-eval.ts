// `npm run eval -- --kb <dir> [--questions <file.jsonl>]`: loads a Markdown knowledge base into a scratch
// PostgreSQL database, asks every question and reports recall@1, recall@3 and MRR of the expected article.
// Questions are JSONL {"subject", "text", "article"} where article is the expected article's key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
// A standalone command on its own scratch database, like database/setup: it opens its own data source.
// eslint-disable-next-line no-restricted-imports
import { DataSource } from 'typeorm';
import { ArticleInputSchema } from '@handoff/contracts';
import type { AppConfig } from '../config/config.schema';
import { dataSourceOptions } from '../database/data-source-options';
import { setUpDatabase } from '../database/setup';
import { UnitOfWork } from '../database/unit-of-work';
import { EmbeddingsService } from './embeddings.service';
import { KnowledgeRepository } from './knowledge.repository';
import { KnowledgeService } from './knowledge.service';
import { readMarkdownFolder } from './markdown-folder';
import { RetrievalService, TOP_PASSAGES } from './retrieval.service';

interface Question {
  subject: string;
  text: string;
  article: string;
}

export interface KbEvalResult {
  articles: number;
  questions: number;
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  /** Questions whose article passed the relevance floor among the passages a draft gets. */
  supported: number;
  misses: { subject: string; expected: string; got: string[] }[];
}

export async function evaluateKnowledgeBase(
  databaseUrl: string,
  dir: string,
  questions: Question[],
): Promise<KbEvalResult> {
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl, 2)).initialize();
  try {
    const config = {
      EMBEDDINGS_MODEL: process.env.EMBEDDINGS_MODEL,
      OPENAI_API_KEY: process.env.OPENAI_API_KEY,
      OPENAI_BASE_URL: process.env.OPENAI_BASE_URL,
    } as AppConfig;
    const repository = new KnowledgeRepository(dataSource);
    const embeddings = new EmbeddingsService(config);
    const service = new KnowledgeService(new UnitOfWork(dataSource), repository, embeddings);
    const inputs = readMarkdownFolder(dir).map((article) => ArticleInputSchema.parse(article));
    const imported = await service.importMany(inputs, 'kb-eval');
    const keyOf = new Map(imported.ids.map((id, index) => [id, inputs[index]!.key!]));
    const retrieval = new RetrievalService(
      repository,
      embeddings,
      { similar: () => Promise.resolve([]) },
      { knowledgeHits: { observe: () => undefined } },
    );
    let at1 = 0;
    let at3 = 0;
    let reciprocal = 0;
    let supported = 0;
    const misses: KbEvalResult['misses'] = [];
    for (const question of questions) {
      const ranked = await retrieval.rank(question.subject, question.text, 'en');
      const keys = ranked.map((passage) => keyOf.get(passage.articleId)!);
      const position = keys.indexOf(question.article);
      if (position === 0) at1 += 1;
      if (position >= 0 && position < 3) at3 += 1;
      if (position >= 0) reciprocal += 1 / (position + 1);
      const handed = ranked.filter((passage) => passage.score > 0).slice(0, TOP_PASSAGES);
      if (handed.some((passage) => keyOf.get(passage.articleId) === question.article)) supported += 1;
      if (position !== 0) misses.push({ subject: question.subject, expected: question.article, got: keys.slice(0, 3) });
    }
    const n = questions.length;
    return {
      articles: inputs.length,
      questions: n,
      recallAt1: at1 / n,
      recallAt3: at3 / n,
      mrr: reciprocal / n,
      supported,
      misses,
    };
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { kb: { type: 'string' }, questions: { type: 'string' } } });
  if (!values.kb) {
    console.error('usage: npm run eval -- --kb <dir> [--questions <file.jsonl>]');
    process.exit(2);
  }
  const questionsFile = values.questions ?? join(values.kb, '..', 'questions.jsonl');
  const questions = readFileSync(questionsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Question);
  const server = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const name = `handoff_kb_eval_${process.pid}`;
  await setUpDatabase(`${server}/${name}`);
  try {
    const result = await evaluateKnowledgeBase(`${server}/${name}`, values.kb, questions);
    const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
    console.log(`knowledge base: ${result.articles} articles, ${result.questions} questions (${questionsFile})`);
    console.log(
      `retrieval: full text${process.env.EMBEDDINGS_MODEL ? ` + embeddings (${process.env.EMBEDDINGS_MODEL})` : ''}`,
    );
    console.log(
      `recall@1 ${percent(result.recallAt1)} · recall@3 ${percent(result.recallAt3)} · MRR ${result.mrr.toFixed(3)}`,
    );
    console.log(
      `expected article among the passages a draft gets (above the floor): ${result.supported}/${result.questions}`,
    );
    for (const miss of result.misses)
      console.log(`  not first: "${miss.subject}" expected ${miss.expected}, got ${miss.got.join(', ') || 'nothing'}`);
  } finally {
    const admin = new Client({ connectionString: `${server}/postgres` });
    await admin.connect();
    // eslint-disable-next-line no-restricted-syntax -- dropping the scratch database this command created
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`kb eval failed: ${error.message}`);
    process.exit(1);
  });
}
