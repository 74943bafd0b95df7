import type { Overview, Timeseries } from '@handoff/contracts';
import { DailyChart } from '../../components/DailyChart';
import { api, requireSession } from '../../lib/api';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** GET /api/v1/stats/timeseries answers for a year of days at most. */
const MAX_CHART_DAYS = 366;

/** The four daily charts: volume with its auto-sent part, auto-send rate, approval without edit, time to decision. */
function Charts({ series, all }: { series: Timeseries; all: Overview['rows'][number] }) {
  const days = series.points.map((point) => ({ ...point, day: point.start.slice(0, 10) }));
  return (
    <div className="charts">
      <DailyChart
        title="Runs per day, with the auto-sent part"
        kind="bars"
        unit="count"
        points={days.map((d) => ({
          day: d.day,
          value: d.volume,
          part: d.autoSent,
          label: `${d.day}: ${d.volume} runs, ${d.autoSent} auto-sent`,
        }))}
        caption={`Light: runs; dark: those sent without a review. ${all.volume} runs in the period, ${all.autoSent} auto-sent.`}
      />
      <DailyChart
        title="Auto-send rate per day"
        kind="line"
        unit="rate"
        points={days.map((d) => ({
          day: d.day,
          value: d.volume ? d.autoSendRate : null,
          label: d.volume
            ? `${d.day}: ${pct(d.autoSendRate)} auto-sent (${d.autoSent} of ${d.volume})`
            : `${d.day}: no runs`,
        }))}
        caption={`Runs sent without a review over all runs; days without runs are gaps. ${pct(all.autoSendRate)} over the period.`}
      />
      <DailyChart
        title="Approval without edit per day"
        kind="line"
        unit="rate"
        points={days.map((d) => ({
          day: d.day,
          value: d.decided ? d.approvalWithoutEditRate : null,
          label: d.decided
            ? `${d.day}: ${pct(d.approvalWithoutEditRate)} approved without edit (${d.approvedUnedited} of ${d.decided})`
            : `${d.day}: no decisions`,
        }))}
        caption={`Final decisions that approved the draft as written; days without decisions are gaps. ${pct(all.approvalWithoutEditRate)} over the period.`}
      />
      <DailyChart
        title="Median time to decision per day"
        kind="line"
        unit="duration"
        points={days.map((d) => ({
          day: d.day,
          value: d.medianTimeToDecisionMs,
          label:
            d.medianTimeToDecisionMs === null
              ? `${d.day}: no decisions`
              : `${d.day}: median ${duration(d.medianTimeToDecisionMs)} over ${d.decided} decisions`,
        }))}
        caption={`From review opened to final decision, by the day the run came in. ${duration(all.medianTimeToDecisionMs)} over the period.`}
      />
    </div>
  );
}

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string; to?: string }>;
}) {
  await requireSession();
  const { from, to } = await searchParams;
  const overview = await api.overview(isDate(from) ? from : undefined, isDate(to) ? to : undefined);
  const shownFrom = overview.from.slice(0, 10);
  const shownTo = overview.to.slice(0, 10);
  const days = (Date.parse(overview.to) - Date.parse(overview.from)) / 86_400_000;
  // The same period as the table, to the millisecond.
  const series = days <= MAX_CHART_DAYS ? await api.timeseries(overview.from, overview.to) : null;
  const all = overview.rows.find((row) => row.category === 'all') ?? overview.rows[0]!;
  return (
    <>
      <h1>Overview</h1>
      <form method="get" action="/overview" className="filters" aria-label="Period">
        <label>
          From
          <input type="date" name="from" defaultValue={shownFrom} />
        </label>
        <label>
          To (exclusive)
          <input type="date" name="to" defaultValue={shownTo} />
        </label>
        <button type="submit">Show</button>
      </form>
      <table>
        <caption>
          Runs created from {shownFrom} to {shownTo}
        </caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Volume</th>
            <th scope="col">Auto-sent</th>
            <th scope="col">Approved without edit</th>
            <th scope="col">Edited</th>
            <th scope="col">Median time to decision</th>
          </tr>
        </thead>
        <tbody>
          {overview.rows.map((row) => (
            <tr key={row.category} className={row.category === 'all' ? 'total' : undefined}>
              <th scope="row">{row.category === 'all' ? 'All categories' : row.category}</th>
              <td>{row.volume}</td>
              <td>{pct(row.autoSendRate)}</td>
              <td>{pct(row.approvalWithoutEditRate)}</td>
              <td>{pct(row.editRate)}</td>
              <td>{duration(row.medianTimeToDecisionMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>By day</h2>
      {series ? (
        <Charts series={series} all={all} />
      ) : (
        <p className="muted">Charts cover {MAX_CHART_DAYS} days at most; choose a shorter period to see them.</p>
      )}
    </>
  );
}
