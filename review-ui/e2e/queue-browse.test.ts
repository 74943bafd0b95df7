import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { ReviewDetailSchema } from '@handoff/contracts';
import { ROOT, SEED_CATEGORIES, Stack, seedOverviewDataset, seedReviews } from './harness';

// Its own stack: the bulk-seeded queue would push the live items of review-ui.test.ts off the first page.
const stack = new Stack();
const SEEDED = 60;
const DECIDED = 3;
const PAGE_SIZE = 50;
// Moved away from the seed's pattern (due a day after arrival, confidence g/100) so that the
// three sort keys give three different orders.
const DUE_FIRST = 7;
const MOST_CONFIDENT = 30;

/** Row g of seedReviews: "Order g question" from customer<g>@example.com, created g seconds ago. */
const subject = (g: number) => `Order ${g} question`;
const category = (g: number) => SEED_CATEGORIES[g % SEED_CATEGORIES.length]!;
const newestFirst = Array.from({ length: SEEDED }, (_, i) => i + 1);
const oldestFirst = [...newestFirst].reverse();
const moveToFront = (list: number[], g: number) => [g, ...list.filter((x) => x !== g)];

/** The whole queue in each order, as seeded and adjusted in `before`. */
const EXPECTED: Record<string, number[]> = {
  'due asc': moveToFront(oldestFirst, DUE_FIRST),
  'due desc': moveToFront(oldestFirst, DUE_FIRST).reverse(),
  'age asc': oldestFirst,
  'age desc': newestFirst,
  'confidence asc': moveToFront(oldestFirst, MOST_CONFIDENT).reverse(),
  'confidence desc': moveToFront(oldestFirst, MOST_CONFIDENT),
};

before(async () => {
  await stack.start();
  const query = (sql: string, params: unknown[]) => stack.world.query(sql, params);
  await seedReviews({ query }, { count: SEEDED });
  await seedReviews({ query }, { count: DECIDED, offset: 1000, status: 'decided' });
  await stack.world.query(`UPDATE review_tasks SET due_at = now() - interval '1 hour' WHERE subject = $1`, [
    subject(DUE_FIRST),
  ]);
  await stack.world.query(`UPDATE review_tasks SET confidence = 0.99 WHERE subject = $1`, [subject(MOST_CONFIDENT)]);
});
after(async () => {
  await stack.stop();
});

async function shownSubjects(page: Page): Promise<string[]> {
  return page.locator('table.queue tbody a.row-link').allTextContents();
}

/** "N reviews match." and each category link of the counts bar, as shown. */
async function shownCounts(page: Page): Promise<{ total: string; links: string[] }> {
  const counts = page.getByRole('navigation', { name: 'Counts by category' });
  return {
    total: ((await counts.locator('p').textContent()) ?? '').trim(),
    links: (await counts.getByRole('link').allTextContents()).map((text) => text.trim()),
  };
}

/** Submits the filter form and waits for the new page (a plain GET form: a full navigation). */
async function apply(page: Page, expectUrl: RegExp) {
  const from = page.url();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL((url) => url.href !== from && expectUrl.test(url.href));
  await page.getByRole('heading', { name: 'Review queue' }).waitFor();
}

/** Follows a link that changes the filters (client-side navigation) and waits for the page it leads to. */
async function follow(page: Page, name: string, expectUrl: RegExp, firstRow: string | null) {
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL(expectUrl);
  if (firstRow) await page.locator('table.queue tbody a.row-link').first().filter({ hasText: firstRow }).waitFor();
}

async function reviewIdOf(g: number): Promise<string> {
  const [row] = await stack.world.query<{ id: string }>('SELECT id FROM review_tasks WHERE subject = $1', [subject(g)]);
  return row!.id;
}

async function createReviewer(name: string, email: string, role: 'reviewer' | 'admin' = 'reviewer') {
  const created = await stack.api<{ id: string }>('POST', '/api/v1/reviewers', {
    name,
    email,
    password: `${name.toLowerCase()}-password-123`,
    role,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: created.body.id, name, email, password: `${name.toLowerCase()}-password-123` };
}

describe('browsing the queue in Chromium', () => {
  test('sorting by due time, age and confidence, both ways, and the next page keeps the order', async () => {
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.getByText(`${SEEDED} reviews match.`).waitFor();
    assert.deepEqual(
      await shownSubjects(page),
      EXPECTED['due asc']!.slice(0, PAGE_SIZE).map(subject),
      'the default is pending, earliest due first',
    );
    for (const [label, value] of [
      ['Due time', 'due'],
      ['Age', 'age'],
      ['Confidence', 'confidence'],
    ] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const expected = EXPECTED[`${value} ${order}`]!.map(subject);
        await page.goto(`${stack.uiUrl}/queue`);
        await page.getByLabel('Sort by').selectOption({ label });
        await page.locator('select[name=order]').selectOption(order);
        await apply(page, new RegExp(`sort=${value}&order=${order}`));
        assert.deepEqual(await shownSubjects(page), expected.slice(0, PAGE_SIZE), `${value} ${order}, page 1`);
        assert.equal(await page.getByRole('link', { name: 'First page' }).count(), 0);
        await follow(page, 'Next page', /cursor=/, expected[PAGE_SIZE]!);
        await page.getByText(`${SEEDED} reviews match.`).waitFor();
        assert.deepEqual(await shownSubjects(page), expected.slice(PAGE_SIZE), `${value} ${order}, page 2`);
        assert.equal(await page.getByRole('link', { name: 'Next page' }).count(), 0, 'the last page has no next');
        assert.equal(await page.getByLabel('Sort by').inputValue(), value, 'the sort survives paging');
        await follow(page, 'First page', /^(?!.*cursor=)/, expected[0]!);
        assert.deepEqual(await shownSubjects(page), expected.slice(0, PAGE_SIZE), `${value} ${order}, back to page 1`);
      }
    }
    await context.close();
  });

  test('search, status, category and channel filters, with the counts each one shows', async () => {
    const { context, page } = await stack.newPage();
    await stack.signIn(page);

    // "Order 1" is in the subjects of Order 1 and Order 10–19.
    const matches = [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const inDueOrder = (list: number[]) => EXPECTED['due asc']!.filter((g) => list.includes(g)).map(subject);
    await page.getByLabel('Search subject or sender').fill('order 1');
    await apply(page, /q=order\+1/);
    assert.deepEqual(await shownSubjects(page), inDueOrder(matches));
    const perCategory = (list: number[]) =>
      [...SEED_CATEGORIES]
        .sort()
        .map((name) => [name, list.filter((g) => category(g) === name).length] as const)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${name} (${n})`);
    assert.deepEqual(await shownCounts(page), {
      total: `${matches.length} reviews match.`,
      links: [`All categories (${matches.length})`, ...perCategory(matches)],
    });

    // A category's count is a link that narrows the search to it.
    const orderStatus = matches.filter((g) => category(g) === 'order_status');
    await follow(page, `order_status (${orderStatus.length})`, /category=order_status/, null);
    await page.getByText(`${orderStatus.length} reviews match.`).waitFor();
    assert.deepEqual(await shownSubjects(page), inDueOrder(orderStatus));
    assert.equal(await page.locator('input[name=category]').inputValue(), 'order_status');
    assert.equal(await page.getByLabel('Search subject or sender').inputValue(), 'order 1');

    // Typed but not applied, then Reset: the field shows the filter in force (none), not the stale text.
    await page.getByLabel('Search subject or sender').fill('typed, never applied');
    await follow(page, 'Reset', /\/queue$/, subject(DUE_FIRST));
    assert.equal(await page.getByLabel('Search subject or sender').inputValue(), '');
    assert.equal(await page.locator('input[name=category]').inputValue(), '');

    // Sender search.
    await page.getByLabel('Search subject or sender').fill('customer42@');
    await apply(page, /q=customer42%40/);
    assert.deepEqual(await shownSubjects(page), [subject(42)]);
    assert.equal((await shownCounts(page)).total, '1 review matches.');

    // Category typed into the filter form.
    await follow(page, 'Reset', /\/queue$/, subject(DUE_FIRST));
    const refunds = newestFirst.filter((g) => category(g) === 'refund');
    await page.locator('input[name=category]').fill('refund');
    await apply(page, /category=refund/);
    assert.deepEqual(await shownSubjects(page), inDueOrder(refunds));
    // The per-category counts leave the category out, so the other categories stay one click away.
    assert.deepEqual(await shownCounts(page), {
      total: `${refunds.length} reviews match.`,
      links: [`All categories (${SEEDED})`, ...perCategory(newestFirst)],
    });
    assert.equal(
      await page.getByRole('link', { name: `refund (${refunds.length})` }).getAttribute('aria-current'),
      'page',
    );
    assert.deepEqual(
      new Set(await page.locator('table.queue tbody td:nth-child(3)').allTextContents()),
      new Set(['refund']),
    );

    // Every seeded review arrived by email: the channel filter offers only email, and keeps them all.
    await follow(page, 'Reset', /\/queue$/, subject(DUE_FIRST));
    assert.deepEqual(await page.getByLabel('Channel').locator('option').allTextContents(), [
      `Any (${SEEDED})`,
      `Email (${SEEDED})`,
    ]);
    await page.getByLabel('Channel').selectOption({ label: `Email (${SEEDED})` });
    await apply(page, /channel=email/);
    assert.equal((await shownCounts(page)).total, `${SEEDED} reviews match.`);

    // Decided reviews are a status away.
    await page.getByLabel('Status').selectOption({ label: 'Decided' });
    await apply(page, /status=decided/);
    assert.deepEqual(await shownSubjects(page), [1003, 1002, 1001].map(subject));
    assert.equal((await shownCounts(page)).total, `${DECIDED} reviews match.`);
    await page.getByLabel('Status').selectOption({ label: 'Pending' });
    await apply(page, /status=pending/);

    // Nothing matches: said so, with zero counts.
    await page.getByLabel('Search subject or sender').fill('no such order');
    await apply(page, /q=no\+such\+order/);
    await page.getByText('Nothing to review here.').waitFor();
    assert.deepEqual(await shownCounts(page), { total: '0 reviews match.', links: ['All categories (0)'] });
    await context.close();
  });

  test('filtering by assignee: mine, someone else’s, unassigned; an expired claim holds nothing', async () => {
    const robin = await createReviewer('Robin', 'robin.queue@handoff.test');
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    const [mine, robins] = [await reviewIdOf(60), await reviewIdOf(59)];
    await page.goto(`${stack.uiUrl}/reviews/${mine}`);
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText('You hold this review').waitFor();
    await page.goto(`${stack.uiUrl}/reviews/${robins}`);
    await page.getByLabel('Assign to').selectOption({ label: `Robin (${robin.email})` });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByText('Robin holds this review').waitFor();

    await page.goto(`${stack.uiUrl}/queue`);
    for (const [label, subjects, heldBy] of [
      ['Me (1)', [subject(60)], 'You'],
      ['Robin (1)', [subject(59)], 'Robin'],
    ] as const) {
      await page.getByLabel('Assignee').selectOption({ label });
      await apply(page, /assignee=/);
      assert.deepEqual(await shownSubjects(page), subjects, label);
      assert.equal((await shownCounts(page)).total, '1 review matches.', label);
      assert.deepEqual(await page.locator('table.queue tbody td:nth-child(8)').allTextContents(), [heldBy]);
    }
    await page.getByLabel('Assignee').selectOption({ label: `Unassigned (${SEEDED - 2})` });
    await apply(page, /assignee=unassigned/);
    assert.equal((await shownCounts(page)).total, `${SEEDED - 2} reviews match.`);
    const unassigned = await shownSubjects(page);
    assert.ok(!unassigned.includes(subject(60)) && !unassigned.includes(subject(59)));

    // A claim that runs out holds nothing: the review is unassigned again and anyone can claim it.
    await stack.world.query(`UPDATE review_tasks SET claimed_until = now() - interval '1 second' WHERE id = $1`, [
      mine,
    ]);
    await page.reload();
    assert.equal((await shownCounts(page)).total, `${SEEDED - 1} reviews match.`);
    await page.goto(`${stack.uiUrl}/reviews/${mine}`);
    await page.getByText('Nobody holds this review.').waitFor();
    await page.getByRole('button', { name: 'Claim' }).waitFor();
    await context.close();
  });

  test('assigning fails visibly for a disabled or unknown reviewer and for someone no longer an admin', async () => {
    const sam = await createReviewer('Sam', 'sam.assign@handoff.test');
    const uma = await createReviewer('Uma', 'uma.assign@handoff.test');
    const alex = await createReviewer('Alex', 'alex.assign@handoff.test', 'admin');
    const reviewId = await reviewIdOf(58);
    const claimOnServer = async () => (await stack.read(`/api/v1/reviews/${reviewId}`, ReviewDetailSchema)).claim;

    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/reviews/${reviewId}`);
    const assignTo = page.getByLabel('Assign to');
    const alert = page.getByRole('alert');

    // Disabled after the page listed them.
    assert.equal((await stack.api('PATCH', `/api/v1/reviewers/${sam.id}`, { disabled: true })).status, 200);
    await assignTo.selectOption({ label: `Sam (${sam.email})` });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await alert.filter({ hasText: 'That reviewer no longer exists or is disabled' }).waitFor();
    await page.getByText('Nobody holds this review.').waitFor();
    // The refreshed list no longer offers them.
    await assignTo.locator('option', { hasText: sam.email }).waitFor({ state: 'detached' });

    // Gone from the database after the page listed them: an unknown id to the backend.
    await page.reload();
    await stack.world.query('DELETE FROM reviewers WHERE id = $1', [uma.id]);
    await assignTo.selectOption({ label: `Uma (${uma.email})` });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await alert.filter({ hasText: 'That reviewer no longer exists or is disabled' }).waitFor();
    assert.equal(await claimOnServer(), null);

    // An admin who is made a reviewer while the page is open is refused by the server.
    const alexTab = await stack.newPage();
    await stack.signIn(alexTab.page, alex);
    await alexTab.page.goto(`${stack.uiUrl}/reviews/${reviewId}`);
    await alexTab.page.getByLabel('Assign to').selectOption({ label: `Alex (${alex.email})` });
    assert.equal((await stack.api('PATCH', `/api/v1/reviewers/${alex.id}`, { role: 'reviewer' })).status, 200);
    await alexTab.page.getByRole('button', { name: 'Assign', exact: true }).click();
    await alexTab.page.getByRole('alert').filter({ hasText: 'Only admins can assign reviews.' }).waitFor();
    assert.equal(await claimOnServer(), null);
    // Reloaded, a reviewer's page offers no assignment at all.
    await alexTab.page.reload();
    await alexTab.page.getByRole('button', { name: 'Claim' }).waitFor();
    assert.equal(await alexTab.page.getByLabel('Assign to').count(), 0);
    await alexTab.context.close();
    await context.close();
  });

  test('the overview shows the exact figures of a known set of decisions for the chosen period', async () => {
    // Seeded here, last: its still-pending review would join the queue the tests above count.
    await seedOverviewDataset((sql, params) => stack.world.query(sql, params));
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/overview`);
    await page.locator('input[name=from]').fill('2020-01-01');
    await page.locator('input[name=to]').fill('2020-01-02');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2020-01-01&to=2020-01-02/);
    await page.getByText('Runs created from 2020-01-01 to 2020-01-02').waitFor();
    const rows = await page
      .locator('table tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((cell) => cell.textContent?.trim())),
      );
    // Billing: 3 runs, 1 auto-sent, of 2 decided 1 approved and 1 edited (after a redraft), at 10 and 30 min;
    // complaint: 2 runs, 1 rejected after 20 min and 1 pending.
    assert.deepEqual(rows, [
      ['All categories', '5', '20.0%', '33.3%', '33.3%', '20 min'],
      ['billing', '3', '33.3%', '50.0%', '50.0%', '20 min'],
      ['complaint', '2', '0.0%', '0.0%', '0.0%', '20 min'],
    ]);
    await page.locator('input[name=from]').fill('2019-01-01');
    await page.locator('input[name=to]').fill('2019-01-02');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2019-01-01/);
    await page.getByText('Runs created from 2019-01-01 to 2019-01-02').waitFor();
    assert.deepEqual(
      await page
        .locator('table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((cell) => cell.textContent?.trim())),
        ),
      [['All categories', '0', '0.0%', '0.0%', '0.0%', '—']],
    );
    await context.close();
  });

  test('the overview charts each day of the period, drawn by the server, axe-clean', async () => {
    // The dataset of the test above on 2020-01-01, nothing on the 2nd, twice on the 3rd.
    const query = (sql: string, params: unknown[]) => stack.world.query(sql, params);
    await seedOverviewDataset(query, '2020-01-03T10:00:00Z');
    await seedOverviewDataset(query, '2020-01-03T11:00:00Z');
    const { context, page } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/overview?from=2020-01-01&to=2020-01-04`);
    await page.getByRole('heading', { name: 'By day' }).waitFor();
    const charts = await page
      .locator('figure.chart svg[role=img]')
      .evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute('aria-label')));
    assert.deepEqual(charts, [
      'Runs per day, with the auto-sent part',
      'Auto-send rate per day',
      'Approval without edit per day',
      'Median time to decision per day',
    ]);
    const tooltips = (name: string) =>
      page
        .getByRole('img', { name, exact: true })
        .locator('g > title')
        .evaluateAll((titles) => titles.map((title) => title.textContent));
    assert.deepEqual(await tooltips('Runs per day, with the auto-sent part'), [
      '2020-01-01: 5 runs, 1 auto-sent',
      '2020-01-02: 0 runs, 0 auto-sent',
      '2020-01-03: 10 runs, 2 auto-sent',
    ]);
    // Rates and durations leave a day without data as a gap: no dot for the 2nd.
    assert.deepEqual(await tooltips('Auto-send rate per day'), [
      '2020-01-01: 20.0% auto-sent (1 of 5)',
      '2020-01-03: 20.0% auto-sent (2 of 10)',
    ]);
    assert.deepEqual(await tooltips('Approval without edit per day'), [
      '2020-01-01: 33.3% approved without edit (1 of 3)',
      '2020-01-03: 33.3% approved without edit (2 of 6)',
    ]);
    assert.deepEqual(await tooltips('Median time to decision per day'), [
      '2020-01-01: median 20 min over 3 decisions',
      '2020-01-03: median 20 min over 6 decisions',
    ]);
    // Bar heights follow the counts: the 3rd's bar is twice the 1st's, the 2nd has none.
    const heights = await page
      .getByRole('img', { name: 'Runs per day, with the auto-sent part', exact: true })
      .locator('g.bar rect:first-of-type')
      .evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('height'))));
    assert.equal(heights[1], 0);
    assert.ok(Math.abs(heights[2]! - 2 * heights[0]!) < 0.01, `heights ${heights.join(', ')}`);
    const results = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(
      results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
    );
    // Refreshed in docs/screenshots with UPDATE_SCREENSHOTS=1, like review-ui.test.ts's.
    const shots = process.env.UPDATE_SCREENSHOTS
      ? join(ROOT, 'docs/screenshots')
      : mkdtempSync(join(tmpdir(), 'handoff-ui-shots-'));
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
    await context.close();
  });
});
