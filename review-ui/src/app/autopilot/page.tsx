import { CoverageChart } from '../../components/CoverageChart';
import { api, requireSession } from '../../lib/api';
import { formatDate } from '../../lib/browser';

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** Per category: has Handoff earned the right to answer alone, and how sure is it. */
export default async function AutopilotPage() {
  await requireSession();
  const [calibration, history] = await Promise.all([api.calibration(), api.calibrationHistory()]);
  return (
    <>
      <h1>Autopilot</h1>
      <p>
        Mode <strong>{calibration.autoSendMode}</strong>: a category goes out alone only when the 95% lower bound of its
        precision reaches <strong>{pct(calibration.target)}</strong> with at least {calibration.minEvidence} reviewed
        runs above its threshold. {pct(calibration.auditRate)} of would-be auto-sends are audited.{' '}
        {calibration.updatedAt ? `Last recomputed ${formatDate(calibration.updatedAt)}.` : 'Not computed yet.'}
      </p>
      <table>
        <caption>Auto-send by category</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Mode</th>
            <th scope="col">Threshold</th>
            <th scope="col">Evidence</th>
            <th scope="col">Precision</th>
            <th scope="col">Lower bound</th>
            <th scope="col">Coverage</th>
            <th scope="col">Pin</th>
          </tr>
        </thead>
        <tbody>
          {calibration.categories.map((row) => (
            <tr key={row.category}>
              <th scope="row">{row.category}</th>
              <td>{row.mode === 'auto' ? 'auto-send' : 'review'}</td>
              <td>{row.threshold === null ? '—' : row.threshold.toFixed(2)}</td>
              <td>
                {row.successes}/{row.evidence}
              </td>
              <td>{pct(row.precisionEstimate)}</td>
              <td>{pct(row.precisionLowerBound)}</td>
              <td>{pct(row.coverage)}</td>
              <td>
                {row.override
                  ? `${row.override.mode}${row.override.threshold === null ? '' : ` at ${row.override.threshold}`}`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Coverage and precision</h2>
      <div className="charts">
        {calibration.categories
          .filter((row) => row.curve.length > 0)
          .map((row) => (
            <section key={row.category} aria-label={row.category}>
              <h3>{row.category}</h3>
              <CoverageChart
                category={row.category}
                curve={row.curve}
                target={calibration.target}
                threshold={row.threshold}
              />
            </section>
          ))}
      </div>

      <h2>Mode changes</h2>
      {history.items.length === 0 ? (
        <p className="muted">No mode has changed yet.</p>
      ) : (
        <table>
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Category</th>
              <th scope="col">Change</th>
              <th scope="col">Why</th>
              <th scope="col">By</th>
              <th scope="col">Lower bound</th>
            </tr>
          </thead>
          <tbody>
            {history.items.map((change) => (
              <tr key={change.id}>
                <td>{formatDate(change.at)}</td>
                <th scope="row">{change.category}</th>
                <td>
                  {change.fromMode} → {change.toMode}
                </td>
                <td>{change.cause}</td>
                <td>{change.actor}</td>
                <td>{pct(change.precisionLowerBound)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
