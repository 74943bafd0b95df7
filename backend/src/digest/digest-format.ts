import type { Overview, OverviewRow } from '@handoff/contracts';

/**
 * The digest's pure parts: which day a scheduled run reports on, that day's bounds in the digest's time
 * zone, and the texts (plain, HTML with a bar chart, Slack Block Kit) built from the overview's numbers.
 * Nothing here reads a clock or a database, so each part is unit-tested on its own.
 */

const DAY_MS = 86_400_000;

/** Year, month and day of `instant` on the wall calendar of `zone`. */
function calendarDate(instant: Date, zone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffsetMs(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)!.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant `zone`'s wall clock reads 00:00 on `date` (YYYY-MM-DD); DST changes happen away from midnight. */
export function startOfDay(date: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(year, month - 1, day);
  // Two passes: the offset at the first guess may differ from the offset at the answer across a DST change.
  let instant = wallMidnight - zoneOffsetMs(new Date(wallMidnight), zone);
  instant = wallMidnight - zoneOffsetMs(new Date(instant), zone);
  return new Date(instant);
}

/** The date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** [from, to) of `date` in `zone`: 23, 24 or 25 hours. */
export function dayBounds(date: string, zone: string): { from: Date; to: Date } {
  return { from: startOfDay(date, zone), to: startOfDay(nextDate(date), zone) };
}

/** The day a digest scheduled at `scheduledAt` reports on: the day before, on `zone`'s calendar. */
export function reportedDate(scheduledAt: Date, zone: string): string {
  const today = calendarDate(scheduledAt, zone);
  return new Date(Date.parse(`${today}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** A day without one run that was not ignored gets no digest, only a note on its row. */
export function hadTraffic(overview: Overview): boolean {
  return overview.rows.some((row) => row.category === 'all' && row.volume > 0);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatUsd(usd: number | null): string {
  if (usd === null) return 'no price set';
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

const formatInt = (n: number) => n.toLocaleString('en-US');

export interface DigestLinks {
  /** The Overview page for the day. */
  overview: string;
  /** A review's page, for the oldest waiting one. */
  review: (reviewId: string) => string;
}

export interface DigestInput {
  date: string;
  timeZone: string;
  overview: Overview;
  links: DigestLinks;
  /** When the digest was built: the oldest review's age is measured to it. */
  now: Date;
}

/** One line of figures, in the order the issue lists them. */
interface Figure {
  label: string;
  value: (row: OverviewRow) => string;
}

const FIGURES: Figure[] = [
  { label: 'Volume', value: (row) => formatInt(row.volume) },
  { label: 'Auto-sent', value: (row) => formatInt(row.autoSent) },
  { label: 'Approved unedited', value: (row) => formatInt(row.approvedUnedited) },
  { label: 'Edited', value: (row) => formatInt(row.edited) },
  { label: 'Rejected', value: (row) => formatInt(row.rejected) },
  { label: 'Median time to decision', value: (row) => formatDuration(row.medianTimeToDecisionMs) },
  { label: 'Past due', value: (row) => formatInt(row.pastDue) },
  { label: 'Failed deliveries', value: (row) => formatInt(row.deliveriesFailed) },
  { label: 'Uncertain deliveries', value: (row) => formatInt(row.deliveriesUncertain) },
  {
    label: 'LLM tokens (in/out)',
    value: (row) => `${formatInt(row.llmPromptTokens)} / ${formatInt(row.llmCompletionTokens)}`,
  },
  { label: 'LLM cost', value: (row) => formatUsd(row.llmCostUsd) },
];

/** "calibration.mode_changed billing: learned → static (by lead@x)": the entry's scalar facts, bounded. */
export function gateChangeLine(change: Overview['gateChanges'][number]): string {
  const data = change.data;
  const scalar = (key: string) => {
    const value = data[key];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value).slice(0, 64)
      : undefined;
  };
  const category = scalar('category');
  const from = scalar('from') ?? scalar('previousMode') ?? scalar('before');
  const to = scalar('to') ?? scalar('mode') ?? scalar('after');
  const change_ = from !== undefined || to !== undefined ? `: ${from ?? '?'} → ${to ?? '?'}` : '';
  return `${change.at.slice(11, 16)} UTC ${change.action}${category ? ` ${category}` : ''}${change_} (by ${change.actor.slice(0, 64)})`;
}

function oldestLine(input: DigestInput): string | null {
  const oldest = input.overview.oldestWaitingReview;
  if (!oldest) return null;
  const age = formatDuration(input.now.getTime() - Date.parse(oldest.openedAt));
  return `Oldest waiting review: ${oldest.category}, waiting ${age} (due ${oldest.dueAt.slice(0, 16).replace('T', ' ')} UTC)`;
}

export function digestSubject(input: Pick<DigestInput, 'date' | 'overview'>): string {
  const all = input.overview.rows.find((row) => row.category === 'all')!;
  return `Handoff digest for ${input.date}: ${all.volume} messages, ${all.autoSent} auto-sent, ${all.pastDue} past due`;
}

/** The plain-text part: a table per figure, one column per category ("all" first). */
export function digestText(input: DigestInput): string {
  const rows = input.overview.rows;
  const header = ['', ...rows.map((row) => row.category)];
  const body = FIGURES.map((figure) => [figure.label, ...rows.map(figure.value)]);
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((line) => line[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('  ');
  const lines = [
    `${digestSubject(input)}`,
    `Day: ${input.date} (${input.timeZone})`,
    '',
    line(header),
    ...body.map(line),
    '',
  ];
  const oldest = oldestLine(input);
  if (oldest) lines.push(oldest, `  ${input.links.review(input.overview.oldestWaitingReview!.reviewId)}`);
  if (input.overview.gateChanges.length) {
    lines.push(
      '',
      "Learned gate's changes:",
      ...input.overview.gateChanges.map((change) => `- ${gateChangeLine(change)}`),
    );
  }
  lines.push('', `Overview: ${input.links.overview}`, '');
  return lines.join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Stacked bar segments: how each category's messages ended. Colours are for mail clients (bgcolor). */
const SEGMENTS: { label: string; colour: string; count: (row: OverviewRow) => number }[] = [
  { label: 'auto-sent', colour: '#2e7d32', count: (row) => row.autoSent },
  { label: 'approved', colour: '#1565c0', count: (row) => row.approvedUnedited },
  { label: 'edited', colour: '#f9a825', count: (row) => row.edited },
  { label: 'rejected', colour: '#c62828', count: (row) => row.rejected },
  {
    label: 'other',
    colour: '#9e9e9e',
    count: (row) => Math.max(0, row.volume - row.autoSent - row.approvedUnedited - row.edited - row.rejected),
  },
];

const BAR_WIDTH_PX = 240;

/**
 * The chart: one stacked bar per category, built from table cells with widths and bgcolor, which
 * mail clients render (no SVG, scripts or external images, which many strip or block).
 */
export function digestChartHtml(rows: OverviewRow[]): string {
  const categories = rows.filter((row) => row.category !== 'all');
  const max = Math.max(1, ...categories.map((row) => row.volume));
  const bar = (row: OverviewRow) => {
    const cells = SEGMENTS.map((segment) => ({ segment, px: Math.round((segment.count(row) / max) * BAR_WIDTH_PX) }))
      .filter(({ px }) => px > 0)
      .map(
        ({ segment, px }) =>
          `<td width="${px}" height="14" bgcolor="${segment.colour}" style="width:${px}px;height:14px;background:${segment.colour};font-size:0;line-height:0" title="${segment.label}">&nbsp;</td>`,
      )
      .join('');
    return `<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>${cells || '<td height="14" style="font-size:0">&nbsp;</td>'}</tr></table>`;
  };
  const legend = SEGMENTS.map(
    (segment) =>
      `<span style="display:inline-block;width:10px;height:10px;background:${segment.colour}"></span> ${segment.label}`,
  ).join(' &nbsp; ');
  return `<table role="presentation" cellpadding="4" cellspacing="0" border="0" style="font-size:13px">
${categories
  .map(
    (row) =>
      `<tr><td style="text-align:right;white-space:nowrap">${escapeHtml(row.category)}</td><td>${bar(row)}</td><td style="text-align:right">${row.volume}</td></tr>`,
  )
  .join('\n')}
</table>
<p style="font-size:12px;color:#555">${legend}</p>`;
}

/** The HTML part: the chart, the figures table, the oldest review, the gate's changes and the link. */
export function digestHtml(input: DigestInput): string {
  const rows = input.overview.rows;
  const th = (text: string) =>
    `<th style="text-align:right;padding:4px 8px;border-bottom:1px solid #ccc">${escapeHtml(text)}</th>`;
  const td = (text: string, left = false) =>
    `<td style="text-align:${left ? 'left' : 'right'};padding:4px 8px;border-bottom:1px solid #eee">${escapeHtml(text)}</td>`;
  const table = `<table cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:13px">
<tr>${th('')}${rows.map((row) => th(row.category)).join('')}</tr>
${FIGURES.map((figure) => `<tr>${td(figure.label, true)}${rows.map((row) => td(figure.value(row))).join('')}</tr>`).join('\n')}
</table>`;
  const oldest = oldestLine(input);
  const gate = input.overview.gateChanges.length
    ? `<h3 style="font-size:14px">Learned gate's changes</h3><ul>${input.overview.gateChanges
        .map((change) => `<li>${escapeHtml(gateChangeLine(change))}</li>`)
        .join('')}</ul>`
    : '';
  return `<!doctype html>
<html><body style="font-family:Arial,Helvetica,sans-serif;color:#222">
<h2 style="font-size:16px">${escapeHtml(digestSubject(input))}</h2>
<p style="font-size:13px">Day: ${escapeHtml(input.date)} (${escapeHtml(input.timeZone)})</p>
${digestChartHtml(rows)}
${table}
${oldest ? `<p style="font-size:13px"><a href="${escapeHtml(input.links.review(input.overview.oldestWaitingReview!.reviewId))}">${escapeHtml(oldest)}</a></p>` : ''}
${gate}
<p style="font-size:13px"><a href="${escapeHtml(input.links.overview)}">Open the Overview</a></p>
</body></html>
`;
}

/** Slack mrkdwn treats &, < and > as markup. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Block Kit: a header, the day's totals as fields, a line per category, and the Overview link. */
export function digestSlack(input: DigestInput): { text: string; blocks: Record<string, unknown>[] } {
  const rows = input.overview.rows;
  const all = rows.find((row) => row.category === 'all')!;
  const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeSlack(value)}` });
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: `Handoff digest for ${input.date}` } },
    // A section holds at most 10 fields.
    { type: 'section', fields: FIGURES.slice(0, 10).map((figure) => field(figure.label, figure.value(all))) },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `LLM cost: ${escapeSlack(formatUsd(all.llmCostUsd))} · day in ${escapeSlack(input.timeZone)}`,
        },
      ],
    },
  ];
  const categories = rows.filter((row) => row.category !== 'all');
  if (categories.length) {
    const lines = categories.map(
      (row) =>
        `*${escapeSlack(row.category)}*: ${row.volume} in · ${row.autoSent} auto-sent · ${row.approvedUnedited} approved · ${row.edited} edited · ${row.rejected} rejected · median ${formatDuration(row.medianTimeToDecisionMs)} · ${row.pastDue} past due`,
    );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3_000) } });
  }
  const oldest = oldestLine(input);
  if (oldest) {
    const link = input.links.review(input.overview.oldestWaitingReview!.reviewId);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${link}|${escapeSlack(oldest)}>` } });
  }
  if (input.overview.gateChanges.length) {
    const lines = input.overview.gateChanges.map((change) => `• ${escapeSlack(gateChangeLine(change))}`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Learned gate's changes*\n${lines.join('\n')}`.slice(0, 3_000) },
    });
  }
  // A link, not a button: a button click would also come to our interactions route, which has nothing to do.
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `<${input.links.overview}|Open the Overview>` } });
  return { text: digestSubject(input), blocks };
}
