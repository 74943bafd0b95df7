import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Overview, OverviewRow } from '@handoff/contracts';
import { loadConfig } from '../config/config.schema';
import { llmCost } from '../queries/stats.service';
import {
  dayBounds,
  digestChartHtml,
  digestHtml,
  digestSlack,
  digestText,
  formatDuration,
  gateChangeLine,
  hadTraffic,
  reportedDate,
} from './digest-format';
import { CLAIMABLE, RECLAIMABLE_BY_RESEND } from './digest.repository';
import { DIGEST_STATE_MACHINE } from './digest-status';

const row = (category: string, patch: Partial<OverviewRow> = {}): OverviewRow => ({
  category,
  volume: 0,
  autoSendRate: 0,
  approvalWithoutEditRate: 0,
  editRate: 0,
  medianTimeToDecisionMs: null,
  autoSent: 0,
  approvedUnedited: 0,
  edited: 0,
  rejected: 0,
  pastDue: 0,
  deliveriesFailed: 0,
  deliveriesUncertain: 0,
  llmPromptTokens: 0,
  llmCompletionTokens: 0,
  llmCostUsd: null,
  ...patch,
});

const overview = (patch: Partial<Overview> = {}): Overview => ({
  from: '2030-03-04T00:00:00.000Z',
  to: '2030-03-05T00:00:00.000Z',
  rows: [
    row('all', { volume: 7, autoSent: 2, approvedUnedited: 2, edited: 1, rejected: 1, pastDue: 1, llmCostUsd: 0.0123 }),
    row('billing', { volume: 4, autoSent: 2, approvedUnedited: 2, medianTimeToDecisionMs: 600_000 }),
    row('<b>spam</b>', { volume: 3, edited: 1, rejected: 1, pastDue: 1 }),
  ],
  oldestWaitingReview: {
    reviewId: '7b0c6f1e-1111-4222-8333-944455556666',
    category: 'billing',
    openedAt: '2030-03-03T08:00:00.000Z',
    dueAt: '2030-03-04T08:00:00.000Z',
  },
  gateChanges: [],
  ...patch,
});

const input = (data: Overview) => ({
  date: '2030-03-04',
  timeZone: 'UTC',
  overview: data,
  now: new Date('2030-03-05T08:00:00Z'),
  links: {
    overview: 'https://ui.example.test/overview?from=2030-03-04&to=2030-03-05',
    review: (id: string) => `https://ui.example.test/reviews/${id}`,
  },
});

describe('which day a digest reports on', () => {
  test('the day before the scheduled time, on the digest time zone’s calendar', () => {
    assert.equal(reportedDate(new Date('2030-03-05T08:00:00Z'), 'UTC'), '2030-03-04');
    // 23:30 UTC on the 4th is already the 5th in Berlin, so Berlin's yesterday is the 4th.
    assert.equal(reportedDate(new Date('2030-03-04T23:30:00Z'), 'Europe/Berlin'), '2030-03-04');
    assert.equal(reportedDate(new Date('2030-03-04T23:30:00Z'), 'UTC'), '2030-03-03');
    assert.equal(reportedDate(new Date('2030-01-01T08:00:00Z'), 'UTC'), '2029-12-31');
  });

  test('a day’s bounds are its midnights in the zone, 23 or 25 hours across a DST change', () => {
    assert.deepEqual(dayBounds('2030-03-04', 'UTC'), {
      from: new Date('2030-03-04T00:00:00Z'),
      to: new Date('2030-03-05T00:00:00Z'),
    });
    const hours = (date: string, zone: string) => {
      const { from, to } = dayBounds(date, zone);
      return (to.getTime() - from.getTime()) / 3_600_000;
    };
    assert.deepEqual(dayBounds('2030-07-01', 'Europe/Berlin').from, new Date('2030-06-30T22:00:00Z'));
    assert.equal(hours('2030-03-31', 'Europe/Berlin'), 23, 'spring forward');
    assert.equal(hours('2030-10-27', 'Europe/Berlin'), 25, 'fall back');
    assert.deepEqual(dayBounds('2030-11-03', 'America/New_York').from, new Date('2030-11-03T04:00:00Z'));
    assert.equal(hours('2030-11-03', 'America/New_York'), 25);
    assert.deepEqual(dayBounds('2030-03-04', 'Asia/Kolkata').from, new Date('2030-03-03T18:30:00Z'));
  });
});

describe('digest figures', () => {
  test('a day with no runs has no traffic', () => {
    assert.equal(hadTraffic(overview()), true);
    assert.equal(hadTraffic(overview({ rows: [row('all')] })), false);
  });

  test('durations and LLM cost', () => {
    assert.equal(formatDuration(null), '—');
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(20 * 60_000), '20 min');
    assert.equal(formatDuration(125 * 60_000), '2 h 5 min');
    assert.equal(formatDuration(50 * 3_600_000), '2 d 2 h');
    assert.equal(llmCost(1_000_000, 500_000, {}), null, 'no price set: no cost');
    assert.equal(llmCost(1_000_000, 500_000, { inputPerMillion: 0.15, outputPerMillion: 0.6 }), 0.45);
    assert.equal(llmCost(2_000, 0, { inputPerMillion: 0.15 }), 0.0003);
  });

  test('the plain-text part lists every figure per category, the oldest review and the Overview link', () => {
    const text = digestText(input(overview()));
    for (const label of [
      'Volume',
      'Auto-sent',
      'Approved unedited',
      'Edited',
      'Rejected',
      'Median time to decision',
      'Past due',
      'Failed deliveries',
      'Uncertain deliveries',
      'LLM tokens (in/out)',
      'LLM cost',
    ]) {
      assert.match(text, new RegExp(`^${label.replace(/[()]/g, '\\$&')} `, 'm'), label);
    }
    assert.match(text, /^Volume\s+7\s+4\s+3$/m);
    assert.match(text, /^Median time to decision\s+—\s+10 min\s+—$/m);
    assert.match(text, /^LLM cost\s+\$0\.01\s+no price set\s+no price set$/m);
    assert.match(text, /Oldest waiting review: billing, waiting 2 d 0 h/);
    assert.match(text, /https:\/\/ui\.example\.test\/reviews\/7b0c6f1e-1111-4222-8333-944455556666/);
    assert.match(text, /Overview: https:\/\/ui\.example\.test\/overview\?from=2030-03-04&to=2030-03-05/);
    assert.doesNotMatch(text, /Learned gate/, 'no gate changes: no section');
  });

  test('the learned gate’s changes appear when the audit log has them', () => {
    const change = {
      at: '2030-03-04T09:15:00.000Z',
      actor: 'lead@example.test',
      action: 'calibration.mode_changed',
      data: { category: 'billing', from: 'review', to: 'auto_send', nested: { ignored: true } },
    };
    assert.equal(
      gateChangeLine(change),
      '09:15 UTC calibration.mode_changed billing: review → auto_send (by lead@example.test)',
    );
    const text = digestText(input(overview({ gateChanges: [change] })));
    assert.match(text, /Learned gate's changes:\n- 09:15 UTC calibration\.mode_changed billing/);
    assert.match(digestHtml(input(overview({ gateChanges: [change] }))), /Learned gate's changes/);
  });

  test('the HTML part escapes what came from data and draws one stacked bar per category', () => {
    const html = digestHtml(input(overview()));
    assert.doesNotMatch(html, /<b>spam<\/b>/);
    assert.match(html, /&lt;b&gt;spam&lt;\/b&gt;/);
    assert.doesNotMatch(html, /<script|<svg|<img/i);
    const chart = digestChartHtml(overview().rows);
    // billing (4, the largest) fills the 240 px bar: 2 auto-sent + 2 approved = 120 px each.
    assert.match(chart, /width="120" height="14" bgcolor="#2e7d32"/);
    assert.match(chart, /width="120" height="14" bgcolor="#1565c0"/);
    // spam: 1 edited, 1 rejected, 1 other = 60 px each.
    assert.equal(chart.match(/width="60" /g)?.length, 3);
    assert.match(html, /<a href="https:\/\/ui\.example\.test\/overview\?from=2030-03-04&amp;to=2030-03-05">/);
  });

  test('Slack blocks: totals as fields, a line per category, links; markup in data is escaped', () => {
    const { text, blocks } = digestSlack(input(overview()));
    assert.match(text, /^Handoff digest for 2030-03-04: 7 messages, 2 auto-sent, 1 past due$/);
    const json = JSON.stringify(blocks);
    assert.match(json, /\*Volume\*\\n7/);
    assert.match(json, /&lt;b&gt;spam&lt;\/b&gt;/);
    assert.match(json, /<https:\/\/ui\.example\.test\/overview\?from=2030-03-04&to=2030-03-05\|Open the Overview>/);
    const fields = (blocks[1] as { fields: unknown[] }).fields;
    assert.ok(fields.length <= 10, 'Slack allows ten fields per section');
  });
});

describe('digest settings and states', () => {
  const base = { DATABASE_URL: 'postgres://localhost/x', ADMIN_API_KEY: 'admin-key-0123456789abcdef' };
  test('defaults: 08:00 UTC, off without recipients', () => {
    const config = loadConfig(base);
    assert.equal(config.DIGEST_CRON, '0 8 * * *');
    assert.equal(config.DIGEST_TIMEZONE, 'UTC');
    assert.deepEqual(config.DIGEST_EMAILS, []);
  });
  test('bad settings are refused by name', () => {
    assert.throws(
      () =>
        loadConfig({
          ...base,
          DIGEST_CRON: 'every morning',
          DIGEST_TIMEZONE: 'Mars/Olympus',
          DIGEST_EMAILS: 'lead@example.test, not-an-address',
        }),
      (error: Error) =>
        ['DIGEST_CRON', 'DIGEST_TIMEZONE', 'DIGEST_EMAILS'].every((name) => error.message.includes(name)),
    );
    assert.throws(
      () => loadConfig({ ...base, DIGEST_SLACK_CHANNEL: 'C0123456789' }),
      /DIGEST_SLACK_CHANNEL: needs Slack on/,
    );
    assert.deepEqual(loadConfig({ ...base, DIGEST_EMAILS: 'a@example.test, b@example.test' }).DIGEST_EMAILS, [
      'a@example.test',
      'b@example.test',
    ]);
  });
  test('the claim takes exactly the states the state machine lets move to sending', () => {
    assert.deepEqual(
      [...CLAIMABLE, 'sending', ...RECLAIMABLE_BY_RESEND].sort(),
      DIGEST_STATE_MACHINE.sourcesOf('sending').sort(),
    );
  });
});
