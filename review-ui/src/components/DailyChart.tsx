import { labelIndexes, linePath, niceCeiling, segments } from '../lib/svg-chart';

export interface DailyPoint {
  /** The day, YYYY-MM-DD (UTC). */
  day: string;
  /** The plotted value; null leaves a gap (nothing to measure that day). */
  value: number | null;
  /** For bars: the part of the value drawn in the darker colour (auto-sent runs of the volume). */
  part?: number;
  /** What the point says in words, for the tooltip and screen readers. */
  label: string;
}

interface Props {
  title: string;
  points: DailyPoint[];
  kind: 'bars' | 'line';
  unit: 'count' | 'rate' | 'duration';
  /** One sentence under the chart: what is drawn, and the period's total or median. */
  caption: string;
}

const W = 640;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 34 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

/** The axis for a duration in ms: seconds, minutes or hours, whichever reads best at the maximum. */
function durationAxis(maxMs: number): { max: number; format: (ms: number) => string } {
  const [unit, name] = maxMs < 120_000 ? [1000, 's'] : maxMs < 7_200_000 ? [60_000, 'min'] : [3_600_000, 'h'];
  const max = niceCeiling(maxMs / unit) * unit;
  return { max, format: (ms) => `${Math.round((ms / unit) * 10) / 10} ${name}` };
}

function axisFor(unit: Props['unit'], values: number[]): { max: number; format: (v: number) => string } {
  const top = Math.max(0, ...values);
  if (unit === 'rate') return { max: 1, format: (v) => `${Math.round(v * 100)}%` };
  if (unit === 'duration') return durationAxis(top);
  return { max: niceCeiling(top), format: (v) => String(Math.round(v * 10) / 10) };
}

/**
 * One measure per UTC day, drawn on the server as SVG (the Autopilot page's coverage curve works the same
 * way): bars for counts, a line with a dot per day for rates and durations, broken where a day has no data.
 * Every bar and dot carries its day's figures as a <title>, and the chart as a whole is a named image.
 */
export function DailyChart({ title, points, kind, unit, caption }: Props) {
  const values = points.map((point) => point.value);
  const axis = axisFor(
    unit,
    values.filter((v): v is number => v !== null),
  );
  const band = PLOT_W / Math.max(points.length, 1);
  const cx = (i: number) => PAD.left + band * (i + 0.5);
  const y = (value: number) => PAD.top + PLOT_H - (value / axis.max) * PLOT_H;
  const ticks = [0, axis.max / 2, axis.max];
  return (
    <figure className="chart">
      <h3>{title}</h3>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} width={W} height={H}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={`y${t}`}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#8c959f" strokeOpacity="0.5" />
            <text x={PAD.left - 4} y={y(t) + 4} textAnchor="end" fontSize="10" fill="currentColor">
              {axis.format(t)}
            </text>
          </g>
        ))}
        {labelIndexes(points.length).map((i) => (
          <text key={`x${i}`} x={cx(i)} y={H - PAD.bottom + 14} textAnchor="middle" fontSize="10" fill="currentColor">
            {points[i]!.day.slice(5)}
          </text>
        ))}
        <text x={PAD.left + PLOT_W / 2} y={H - 4} textAnchor="middle" fontSize="10" fill="currentColor">
          day (UTC)
        </text>
        {kind === 'bars'
          ? points.map((point, i) => {
              const value = point.value ?? 0;
              const part = Math.min(point.part ?? 0, value);
              const width = Math.max(1, band * 0.7);
              const left = cx(i) - width / 2;
              return (
                <g key={point.day} className="bar">
                  <title>{point.label}</title>
                  <rect x={left} y={y(value)} width={width} height={y(0) - y(value)} fill="#7aa7d9" />
                  {part > 0 ? <rect x={left} y={y(part)} width={width} height={y(0) - y(part)} fill="#1a5fb4" /> : null}
                </g>
              );
            })
          : null}
        {kind === 'line'
          ? segments(values).map((segment) => (
              <path
                key={`s${segment[0]![0]}`}
                d={linePath(segment.map(([i, value]) => [cx(i), y(value)]))}
                fill="none"
                stroke="#1a5fb4"
                strokeWidth="2"
              />
            ))
          : null}
        {kind === 'line'
          ? points.map((point, i) =>
              point.value === null ? null : (
                <g key={point.day} className="dot">
                  <title>{point.label}</title>
                  <circle cx={cx(i)} cy={y(point.value)} r="3.5" fill="#1a5fb4" />
                </g>
              ),
            )
          : null}
      </svg>
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  );
}
