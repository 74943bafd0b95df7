import { api, requireSession } from '../../lib/api';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

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
    </>
  );
}
