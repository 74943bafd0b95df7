import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { ArticleListSchema, ArticleSchema, ArticleVersionListSchema, ReviewDetailSchema } from '@handoff/contracts';
import { complaint, Stack } from './harness';

const stack = new Stack();
before(() => stack.start());
after(() => stack.stop());

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).exclude('.email-html iframe').options({ iframes: false }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Markup in a title is the article's text: it must show as typed, never become an element. */
const HOSTILE_TITLE = 'Complaints <img src=x onerror="document.title=1"> handled';

describe('knowledge in the review UI', () => {
  test('a review shows the passages its draft cites, as text with a link; the approved reply saves as an article', async () => {
    const created = await stack.api('POST', '/api/v1/knowledge/articles', {
      title: HOSTILE_TITLE,
      url: 'https://help.shop.example/complaints',
      body: '## Complaints about our service\n\nA manager reads every formal complaint about our service and answers it personally within two working days.',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { reviewId } = await stack.pendingReview(complaint());
    const detail = await stack.read(`/api/v1/reviews/${reviewId}`, ReviewDetailSchema);
    assert.deepEqual(
      detail.request.citations.map((citation) => citation.title),
      [HOSTILE_TITLE],
      'the draft cites the article',
    );

    const { context, page, dialogs } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/reviews/${reviewId}`);
    const sources = page.getByRole('region', { name: 'Sources' });
    await sources.waitFor();
    const item = sources.getByRole('listitem');
    assert.equal(await item.count(), 1);
    assert.equal((await item.locator('strong').textContent())?.trim(), HOSTILE_TITLE);
    assert.equal(await sources.locator('img').count(), 0, 'the title stays text');
    assert.equal(
      await item.getByRole('link', { name: /Open article/ }).getAttribute('href'),
      'https://help.shop.example/complaints',
    );
    assert.match((await item.locator('blockquote').textContent()) ?? '', /within two working days/);
    assert.deepEqual(await seriousViolations(page), [], 'review page with sources');
    assert.equal(await page.getByRole('button', { name: 'Save as article' }).count(), 0, 'nothing to save yet');

    const reply = 'A manager will call you about your complaint within two working days.';
    const decided = await stack.api('POST', `/api/v1/reviews/${reviewId}/decision`, { action: 'edit', text: reply });
    assert.equal(decided.status, 200);
    await page.reload();
    await page.getByLabel('Article title').fill('Complaint call-backs');
    await page.getByLabel('Tags (comma-separated)').fill('complaints, calls');
    await page.getByRole('button', { name: 'Save as article' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as article “Complaint call-backs”.' }).waitFor();
    const list = await stack.read('/api/v1/knowledge/articles?q=call-backs', ArticleListSchema);
    assert.deepEqual(
      list.items.map((entry) => [entry.title, entry.tags, entry.key]),
      [['Complaint call-backs', ['complaints', 'calls'], `review:${reviewId}`]],
    );
    assert.equal((await stack.read(`/api/v1/knowledge/articles/${list.items[0]!.id}`, ArticleSchema)).body, reply);
    assert.deepEqual(dialogs, []);
    await context.close();
  });

  test('an admin creates an article on the Knowledge page, edits it, and reads its versions', async () => {
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'knowledge list');

    await page.getByLabel('Title', { exact: true }).fill('Stove fuel');
    await page.getByLabel('Body (Markdown, HTML or plain text)').fill('We ship gas canisters by ground only.');
    await page.getByLabel('URL (optional)').fill('https://help.shop.example/stove-fuel');
    await page.getByLabel('Tags (comma-separated)').fill('shipping, stoves');
    await Promise.all([
      page.waitForURL(/\/admin\/knowledge\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Create article' }).click(),
    ]);
    const id = page.url().split('/').at(-1)!;
    await page.getByRole('heading', { name: 'Stove fuel', level: 1 }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'article page');

    await page
      .getByLabel('Body (Markdown, HTML or plain text)')
      .fill('We ship gas canisters by ground, in 3 to 5 days.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2.' }).waitFor();
    const versions = page.getByRole('region', { name: 'Versions' }).getByRole('listitem');
    await page.waitForFunction(() => document.querySelectorAll('.versions li').length === 2);
    assert.match((await versions.first().textContent()) ?? '', /Version 2: update by admin@handoff\.test/);
    const stored = await stack.read(`/api/v1/knowledge/articles/${id}`, ArticleSchema);
    assert.deepEqual(
      [stored.version, stored.body, stored.tags],
      [2, 'We ship gas canisters by ground, in 3 to 5 days.', ['shipping', 'stoves']],
    );
    const history = await stack.read(`/api/v1/knowledge/articles/${id}/versions`, ArticleVersionListSchema);
    assert.deepEqual(
      history.items.map((version) => version.action),
      ['update', 'create'],
    );

    await page.goto(`${stack.uiUrl}/admin/knowledge?q=stove`);
    const rows = page.locator('table.articles tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /Stove fuel.*shipping, stoves.*en.*2/);
    await context.close();
  });
});
