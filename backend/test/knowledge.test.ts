import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ArticleImportResultSchema,
  ArticleListSchema,
  ArticleSchema,
  ArticleVersionListSchema,
  RunDetailsSchema,
} from '@handoff/contracts';
import { ApiClient } from './support/api-client';
import { eventually, TEST_API_KEY, useWorldWithSmtp } from './support/test-service';

/** The fictional shop's help center, as a team would keep it in a folder of Markdown files. */
const KB_DIR = join(__dirname, '../../../graphs/data/kb/articles');
const IMPORT_CLI = join(__dirname, '../src/knowledge/kb-import.js');

let api: ApiClient;
let url: string;
const { world, smtp } = useWorldWithSmtp(async () => {
  url = (await world.start({ SMTP_URL: smtp.url })).url;
  api = new ApiClient(url);
});

function email(subject: string, text: string, address: string) {
  return {
    messageId: `<${randomUUID()}@customer.example>`,
    from: { address, name: 'Mia Berg' },
    to: [{ address: 'support@handoff.test' }],
    subject,
    text,
  };
}

/** Prometheus samples as `name{labels}` → value (the admin key may scrape /metrics). */
async function scrape(): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const line of ((await api.get<string>('/metrics')).body ?? '').split('\n')) {
    const match = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

const article = { title: 'Rental skis', body: 'Ski rental costs €25 per day.', tags: ['rental'] };

describe('knowledge base', () => {
  test('npm run kb:import loads a Markdown folder over the API; importing it again changes nothing', async () => {
    const run = () =>
      promisify(execFile)('node', [IMPORT_CLI, KB_DIR, '--url', url], {
        env: { ...process.env, ADMIN_API_KEY: TEST_API_KEY },
      });
    assert.match((await run()).stdout, /26 created, 0 updated, 0 unchanged/);
    assert.match((await run()).stdout, /0 created, 0 updated, 26 unchanged/);
    const list = ArticleListSchema.parse((await api.get('/api/v1/knowledge/articles?limit=200')).body);
    assert.equal(list.total, 26);
    const returns = list.items.find((item) => item.key === 'returns-policy');
    assert.equal(returns?.title, 'Returning an item');
    assert.equal(returns?.url, 'https://help.fernhollow.example/returns-policy');
    assert.deepEqual(returns?.tags, ['returns', 'refunds']);
    assert.equal(returns?.chunks, 3, 'one chunk per heading');
  });

  test('an email one article answers gets a draft with its fact, cites it, and is auto-sent', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      email(
        'Password reset link expired',
        'Hello, I forgot my password and the reset link you sent says it has expired. How long is the reset link valid?',
        'grounded@customer.example',
      ),
    );
    assert.equal(accepted.status, 202);
    const run = RunDetailsSchema.parse(await api.waitForRun(accepted.body.runId, ['sent', 'awaiting_review']));
    assert.equal(run.status, 'sent', JSON.stringify(run));
    assert.match(run.draft ?? '', /valid for 60 minutes/);
    assert.doesNotMatch(run.draft ?? '', /\[\d\]/, 'citation markers never reach the customer');
    assert.equal(run.citations.length, 1);
    assert.equal(run.citations[0]!.title, 'Resetting your password');
    assert.equal(run.citations[0]!.url, 'https://help.fernhollow.example/password-reset');
    assert.match(run.citations[0]!.chunk, /valid for 60 minutes/);
    assert.deepEqual(run.reviewReasons, []);
    await smtp.waitFor(() => smtp.list().some((mail) => mail.envelopeTo.includes('grounded@customer.example')));
    // The first reply this service sent: grounded, from one retrieval with at least one passage.
    const samples = await eventually(async () => {
      const scraped = await scrape();
      return scraped.get('handoff_autosend_total{grounded="true"}') === 1 ? scraped : undefined;
    }, 'the grounded auto-send counter');
    assert.equal(samples.get('handoff_autosend_total{grounded="false"}') ?? 0, 0);
    assert.equal(samples.get('handoff_knowledge_retrieval_hits_count'), 1);
    assert.equal(samples.get('handoff_knowledge_retrieval_hits_bucket{le="0"}'), 0);
    const category = run.classification!.category;
    assert.equal(samples.get(`handoff_knowledge_grounding_total{category="${category}",result="cited"}`), 1);
  });

  test('an email no article covers goes to a person with no_supporting_article', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      email('Partnership', 'Would your marketing department sponsor our yoga podcast?', 'uncovered@customer.example'),
    );
    const run = RunDetailsSchema.parse(await api.waitForRun(accepted.body.runId, ['awaiting_review']));
    assert.ok(run.reviewReasons.includes('no_supporting_article'), run.reviewReasons.join(','));
    assert.deepEqual(run.citations, []);
    const review = (await api.get(`/api/v1/reviews/${run.reviewId}`)).body;
    assert.ok(review.request.reasons.includes('no_supporting_article'));
    // Counted when the review opens, by category: the no_supporting_article rate per category.
    const samples = await scrape();
    const category = run.classification!.category;
    assert.equal(
      samples.get(`handoff_knowledge_grounding_total{category="${category}",result="no_supporting_article"}`),
      1,
    );
    assert.equal(samples.get('handoff_knowledge_retrieval_hits_bucket{le="0"}'), 1, 'a retrieval with no hits');
  });

  test('edits are versioned and a deletion keeps the history', async () => {
    const created = ArticleSchema.parse((await api.post('/api/v1/knowledge/articles', article)).body);
    assert.equal(created.version, 1);
    const same = ArticleSchema.parse(
      (await api.request('PUT', `/api/v1/knowledge/articles/${created.id}`, article)).body,
    );
    assert.equal(same.version, 1, 'saving the same content adds no version');
    const edited = await api.request('PUT', `/api/v1/knowledge/articles/${created.id}`, {
      ...article,
      body: 'Ski rental costs €28 per day.',
    });
    assert.equal(ArticleSchema.parse(edited.body).version, 2);
    assert.equal((await api.delete(`/api/v1/knowledge/articles/${created.id}`)).status, 204);
    assert.equal((await api.get(`/api/v1/knowledge/articles/${created.id}`)).status, 404);
    const versions = ArticleVersionListSchema.parse(
      (await api.get(`/api/v1/knowledge/articles/${created.id}/versions`)).body,
    );
    assert.deepEqual(
      versions.items.map((version) => [version.version, version.action, version.changedBy]),
      [
        [3, 'delete', 'api-key:admin'],
        [2, 'update', 'api-key:admin'],
        [1, 'create', 'api-key:admin'],
      ],
    );
    assert.match(versions.items[2]!.body, /€25/);
  });

  test('hostile HTML is sanitised before it is stored or searched', async () => {
    const body =
      '<h2 onclick="steal()">Gloves</h2><p>Wash gloves at 30 degrees.<script>alert(1)</script></p>' +
      '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">care</a> <a href="https://example.com/x">guide</a>' +
      '<style>body{background:url(https://evil.example/t)}</style><iframe src="https://evil.example"></iframe>';
    const created = await api.post('/api/v1/knowledge/articles', { title: 'Glove care', body });
    assert.equal(created.status, 201);
    const stored = ArticleSchema.parse(created.body);
    assert.equal(stored.format, 'html');
    for (const hostile of ['script', 'onerror', 'onclick', 'javascript:', '<img', 'evil.example', 'alert']) {
      assert.ok(!stored.body.includes(hostile), `${hostile} survived: ${stored.body}`);
    }
    assert.match(stored.body, /<h2>Gloves<\/h2>/);
    assert.match(stored.body, /href="https:\/\/example.com\/x"/);
    const [chunk] = await world.query<{ text: string; heading: string }>(
      'SELECT text, heading FROM knowledge_chunks WHERE article_id = $1',
      [stored.id],
    );
    assert.deepEqual(chunk, { heading: 'Gloves', text: 'Wash gloves at 30 degrees.\n\ncare guide' });
  });

  test('a JSONL import with one bad line stores nothing and names the line', async () => {
    const before = ArticleListSchema.parse((await api.get('/api/v1/knowledge/articles')).body).total;
    const lines = [
      JSON.stringify({ title: 'Bike racks', body: 'We do not sell bike racks.', key: 'bike-racks' }),
      JSON.stringify({ title: '', body: 'no title' }),
      '{not json',
    ].join('\n');
    const refused = await api.post('/api/v1/knowledge/articles/import', lines, {
      'content-type': 'application/x-ndjson',
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.body.issues.map((issue: { line: number }) => issue.line),
      [2, 3],
    );
    assert.equal(ArticleListSchema.parse((await api.get('/api/v1/knowledge/articles')).body).total, before);
    const accepted = await api.post('/api/v1/knowledge/articles/import', lines.split('\n')[0], {
      'content-type': 'application/x-ndjson',
    });
    assert.deepEqual(ArticleImportResultSchema.parse(accepted.body), {
      ...accepted.body,
      created: 1,
      updated: 0,
      unchanged: 0,
    });
  });

  test('reviewers read the knowledge base; only admins change it', async () => {
    const credentials = { email: 'kb.reader@handoff.test', password: 'reader-password-123' };
    assert.equal((await api.post('/api/v1/reviewers', { ...credentials, name: 'Reader' })).status, 201);
    const reviewer = await ApiClient.signIn(url, credentials.email, credentials.password);
    assert.equal((await reviewer.get('/api/v1/knowledge/articles')).status, 200);
    assert.equal((await reviewer.post('/api/v1/knowledge/articles', article)).status, 403);
    assert.equal((await new ApiClient(url, null).get('/api/v1/knowledge/articles')).status, 401);
  });

  test('save as article: 409 until approved or edited; the approving reviewer or an admin saves it once, audited', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      email('Gift wrap', 'Can you gift wrap the tent I am ordering for my brother?', 'giftwrap@customer.example'),
    );
    const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
    const path = `/api/v1/reviews/${run.reviewId}/save-as-article`;
    const pending = await api.post(path, { title: 'Gift wrapping' });
    assert.equal(pending.status, 409, 'a pending review has no approved reply');

    const password = 'approver-password-123';
    for (const name of ['approver', 'bystander'])
      assert.equal(
        (await api.post('/api/v1/reviewers', { email: `${name}@handoff.test`, password, name })).status,
        201,
      );
    const approver = await ApiClient.signIn(url, 'approver@handoff.test', password);
    const bystander = await ApiClient.signIn(url, 'bystander@handoff.test', password);
    const reply = 'We gift wrap any order for €4: tick "gift wrap" at checkout.';
    const decided = await approver.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'edit', text: reply });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));

    assert.equal((await approver.post(path, { title: '' })).status, 400);
    assert.equal((await bystander.post(path, { title: 'Gift wrapping' })).status, 403);
    const saved = await approver.post(path, { title: 'Gift wrapping', tags: ['orders'] });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const stored = ArticleSchema.parse(saved.body);
    assert.deepEqual(
      [stored.title, stored.body, stored.tags, stored.key, stored.updatedBy],
      ['Gift wrapping', reply, ['orders'], `review:${run.reviewId}`, 'approver@handoff.test'],
    );
    const again = await api.post(path, { title: 'Gift wrapping' });
    assert.equal(again.status, 409, 'one article per review');
    assert.equal(again.body.articleId, stored.id);

    const trail = (await api.get(`/api/v1/reviews/${run.reviewId}/audit`)).body.items;
    const entry = trail.find((item: { action: string }) => item.action === 'review.saved_as_article');
    assert.deepEqual([entry?.actor, entry?.data.articleId], ['approver@handoff.test', stored.id]);
    const found = ArticleListSchema.parse((await api.get('/api/v1/knowledge/articles?q=gift%20wrapping')).body);
    assert.ok(
      found.items.some((item) => item.id === stored.id),
      'the new article is in the knowledge base',
    );
  });
});
