import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { OverviewSchema, QueuePageSchema, TimeseriesSchema, type QueueItem } from '@handoff/contracts';
import { ApiClient, type ApiResponse } from './support/api-client';
import { SEED_CATEGORIES, seedOverviewDataset, seedReviews } from './support/seed';
import { TestWorld } from './support/test-service';

const PENDING = 500;
const world = new TestWorld();
let api: ApiClient;

before(async () => {
  await world.setUp();
  const db = new Client({ connectionString: world.databaseUrl });
  await db.connect();
  try {
    await seedReviews(db, { count: PENDING });
    await seedReviews(db, { count: 40, offset: PENDING, status: 'decided' });
  } finally {
    await db.end();
  }
  // No SMTP needed: nothing is sent, but the dev catcher must not collide with other suites.
  api = new ApiClient((await world.start({ DEV_MAIL_CATCHER_PORT: '0' })).url);
});
after(() => world.tearDown());

/** Follows nextCursor to the end and returns every item. */
async function everyPage(query: string, limit = 37): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  let cursor: string | null = null;
  do {
    const response: ApiResponse = await api.get(
      `/api/v1/reviews?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const page = QueuePageSchema.parse(response.body);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const sortValue = {
  due: (item: QueueItem) => Date.parse(item.dueAt!),
  age: (item: QueueItem) => Date.parse(item.createdAt),
  confidence: (item: QueueItem) => item.confidence,
};

describe('the review queue', () => {
  test('default: pending, oldest due first, with counts per category', async () => {
    const page = QueuePageSchema.parse((await api.get('/api/v1/reviews')).body);
    assert.equal(page.items.length, 50);
    assert.equal(page.counts.total, PENDING);
    assert.deepEqual(Object.keys(page.counts.byCategory).sort(), [...SEED_CATEGORIES].sort());
    const [counted] = await world.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM review_tasks WHERE status = 'pending' AND category = 'billing'`,
    );
    assert.equal(page.counts.byCategory['billing'], counted!.n);
    assert.equal(page.items[0]!.subject, `Order ${PENDING} question`, 'the oldest is due first');
  });

  for (const sort of ['due', 'age', 'confidence'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      test(`keyset pages by ${sort} ${order} visit every item once, in order`, async () => {
        const items = await everyPage(`sort=${sort}&order=${order}`);
        assert.equal(items.length, PENDING);
        assert.equal(new Set(items.map((item) => item.id)).size, PENDING, 'no item twice');
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1]!, items[i]!];
          const difference = sortValue[sort](b) - sortValue[sort](a);
          const tie = difference === 0 && (order === 'asc' ? a.id < b.id : a.id > b.id);
          assert.ok(order === 'asc' ? difference > 0 || tie : difference < 0 || tie, `item ${i} out of order`);
        }
      });
    }
  }

  test('filters by category and channel; counts follow the filter', async () => {
    const billing = await everyPage('category=billing&sort=confidence');
    assert.ok(billing.length > 0);
    assert.ok(billing.every((item) => item.category === 'billing'));
    const page = QueuePageSchema.parse((await api.get('/api/v1/reviews?category=billing')).body);
    assert.equal(page.counts.total, billing.length);
    assert.equal(page.counts.byCategory['refund'], (await everyPage('category=refund')).length);
    const none = QueuePageSchema.parse((await api.get('/api/v1/reviews?channel=slack')).body);
    // Each facet's counts leave out that facet's own filter: by channel, every pending review is still counted.
    assert.deepEqual(
      [none.items, none.counts],
      [[], { total: 0, byCategory: {}, byChannel: { email: PENDING }, byAssignee: {} }],
    );
    const decided = QueuePageSchema.parse((await api.get('/api/v1/reviews?status=decided')).body);
    assert.equal(decided.counts.total, 40);
  });

  test('free-text search over subject and sender, with LIKE wildcards taken literally', async () => {
    const bySubject = await everyPage('q=ORDER%2012%20QUESTION');
    assert.deepEqual(
      bySubject.map((item) => item.subject),
      ['Order 12 question'],
    );
    const bySender = await everyPage('q=customer42%40');
    assert.deepEqual(
      bySender.map((item) => item.from),
      ['customer42@example.com'],
    );
    const prefix = QueuePageSchema.parse((await api.get('/api/v1/reviews?q=order%2012')).body);
    assert.equal(prefix.counts.total, 11, 'Order 12 and Order 120–129');
    assert.equal(QueuePageSchema.parse((await api.get('/api/v1/reviews?q=%25')).body).counts.total, 0);
  });

  test('unassigned and bad inputs', async () => {
    const unassigned = QueuePageSchema.parse((await api.get('/api/v1/reviews?assignee=unassigned')).body);
    assert.equal(unassigned.counts.total, PENDING);
    assert.deepEqual(unassigned.counts.byAssignee, { unassigned: PENDING });
    assert.equal((await api.get('/api/v1/reviews?assignee=someone')).status, 400);
    assert.equal((await api.get('/api/v1/reviews?sort=subject')).status, 400);
    assert.equal((await api.get('/api/v1/reviews?cursor=not-a-cursor')).status, 422);
    const forged = Buffer.from(JSON.stringify(['due', 'asc', 'yesterday', 'x'])).toString('base64url');
    assert.equal((await api.get(`/api/v1/reviews?cursor=${forged}`)).status, 422);
    assert.equal((await api.get(`/api/v1/history?cursor=${forged}`)).status, 422);
    const { nextCursor } = QueuePageSchema.parse((await api.get('/api/v1/reviews?sort=age')).body);
    assert.equal((await api.get(`/api/v1/reviews?sort=confidence&cursor=${nextCursor}`)).status, 400);
  });
});

describe('the overview', () => {
  test('volume, auto-send, approval, edit rates and median time to decision per category', async () => {
    await seedOverviewDataset((sql, params) => world.query(sql, params));
    const response: ApiResponse = await api.get(
      '/api/v1/stats/overview?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z',
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const overview = OverviewSchema.parse(response.body);
    const minutes = (n: number) => n * 60_000;
    assert.deepEqual(overview.rows, [
      {
        category: 'all',
        volume: 5,
        autoSendRate: 0.2,
        approvalWithoutEditRate: 1 / 3,
        editRate: 1 / 3,
        medianTimeToDecisionMs: minutes(20),
        autoSent: 1,
        approvedUnedited: 1,
        edited: 1,
        rejected: 1,
        pastDue: 3,
        deliveriesFailed: 0,
        deliveriesUncertain: 0,
        llmPromptTokens: 0,
        llmCompletionTokens: 0,
        llmCostUsd: null,
      },
      {
        category: 'billing',
        volume: 3,
        autoSendRate: 1 / 3,
        approvalWithoutEditRate: 0.5,
        editRate: 0.5,
        medianTimeToDecisionMs: minutes(20),
        autoSent: 1,
        approvedUnedited: 1,
        edited: 1,
        rejected: 0,
        pastDue: 1,
        deliveriesFailed: 0,
        deliveriesUncertain: 0,
        llmPromptTokens: 0,
        llmCompletionTokens: 0,
        llmCostUsd: null,
      },
      {
        category: 'complaint',
        volume: 2,
        autoSendRate: 0,
        approvalWithoutEditRate: 0,
        editRate: 0,
        medianTimeToDecisionMs: minutes(20),
        autoSent: 0,
        approvedUnedited: 0,
        edited: 0,
        rejected: 1,
        pastDue: 2,
        deliveriesFailed: 0,
        deliveriesUncertain: 0,
        llmPromptTokens: 0,
        llmCompletionTokens: 0,
        llmCostUsd: null,
      },
    ]);
    // The 2020 complaint still waits, and is older than every review seeded for the queue.
    assert.equal(overview.oldestWaitingReview?.category, 'complaint');
    assert.equal(overview.oldestWaitingReview?.openedAt, '2020-01-01T10:00:00.000Z');
    assert.deepEqual(overview.gateChanges, []);
    const empty = OverviewSchema.parse((await api.get('/api/v1/stats/overview?from=2019-01-01&to=2019-01-02')).body);
    assert.deepEqual(
      empty.rows.map((row) => [row.category, row.volume]),
      [['all', 0]],
    );
    assert.equal((await api.get('/api/v1/stats/overview?from=2020-01-02&to=2020-01-01')).status, 400);
  });

  test('the daily series: one statement, each day equal to the overview of that day', async () => {
    const seed = (day: string) => seedOverviewDataset((sql, params) => world.query(sql, params), day);
    // Day one once, day two nothing, day three twice.
    await seed('2021-03-01T10:00:00Z');
    await seed('2021-03-03T10:00:00Z');
    await seed('2021-03-03T10:00:00Z');
    // The first day is clipped to the period's start: still after the seeded runs' 10:00.
    const [from, to] = ['2021-03-01T06:00:00.000Z', '2021-03-04T00:00:00.000Z'];
    const response: ApiResponse = await api.get(`/api/v1/stats/timeseries?from=${from}&to=${to}&bucket=day`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const series = TimeseriesSchema.parse(response.body);
    assert.deepEqual([series.from, series.to, series.bucket], [from, to, 'day']);
    const minutes = (n: number) => n * 60_000;
    assert.deepEqual(
      series.points.map((p) => [p.start, p.end, p.volume, p.autoSent, p.decided, p.approvedUnedited]),
      [
        [from, '2021-03-02T00:00:00.000Z', 5, 1, 3, 1],
        ['2021-03-02T00:00:00.000Z', '2021-03-03T00:00:00.000Z', 0, 0, 0, 0],
        ['2021-03-03T00:00:00.000Z', to, 10, 2, 6, 2],
      ],
    );
    assert.deepEqual(
      series.points.map((p) => p.medianTimeToDecisionMs),
      [minutes(20), null, minutes(20)],
    );
    // Every day's figures are the overview's "all" row for exactly that day.
    for (const point of series.points) {
      const day = OverviewSchema.parse(
        (await api.get(`/api/v1/stats/overview?from=${point.start}&to=${point.end}`)).body,
      );
      const all = day.rows.find((row) => row.category === 'all')!;
      assert.deepEqual(
        {
          volume: point.volume,
          autoSent: point.autoSent,
          autoSendRate: point.autoSendRate,
          approvedUnedited: point.approvedUnedited,
          approvalWithoutEditRate: point.approvalWithoutEditRate,
          decided: point.decided,
          medianTimeToDecisionMs: point.medianTimeToDecisionMs,
        },
        {
          volume: all.volume,
          autoSent: all.autoSent,
          autoSendRate: all.autoSendRate,
          approvedUnedited: all.approvedUnedited,
          approvalWithoutEditRate: all.approvalWithoutEditRate,
          decided: all.approvedUnedited + all.edited + all.rejected,
          medianTimeToDecisionMs: all.medianTimeToDecisionMs,
        },
        point.start,
      );
    }
    for (const bad of [
      `from=${to}&to=${from}`,
      `from=${from}&to=${to}&bucket=hour`,
      'from=2020-01-01&to=2021-01-02',
      'from=yesterday',
    ]) {
      const refused = await api.get(`/api/v1/stats/timeseries?${bad}`);
      assert.equal(refused.status, 400, bad);
      assert.doesNotMatch(JSON.stringify(refused.body), /at .*\.js/, 'no stack trace');
    }
    // The default period: the last 30 days to now, a point per day it touches.
    const recent = TimeseriesSchema.parse((await api.get('/api/v1/stats/timeseries')).body);
    assert.equal(recent.points.length, 31);
  });
});
