import type { CalibrationCurvePoint } from '@handoff/contracts';
import { linePath as path } from '../lib/svg-chart';

interface Props {
  category: string;
  curve: CalibrationCurvePoint[];
  target: number;
  threshold: number | null;
}

const W = 320;
const H = 180;
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };
const x = (coverage: number) => PAD.left + coverage * (W - PAD.left - PAD.right);
const y = (precision: number) => H - PAD.bottom - precision * (H - PAD.top - PAD.bottom);

/**
 * The coverage–precision curve of one category, drawn on the server as SVG: for each threshold, the share
 * of labelled runs it would let through (x) against their precision and its 95% lower bound (y).
 */
export function CoverageChart({ category, curve, target, threshold }: Props) {
  const title = `Coverage against precision for ${category}`;
  if (curve.length === 0) return <p className="muted">No labelled runs yet.</p>;
  const chosen = curve.find((point) => point.threshold === threshold);
  const ticks = [0, 0.5, 1];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} width={W} height={H}>
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={`y${t}`}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#ccc" />
            <text x={PAD.left - 4} y={y(t) + 4} textAnchor="end" fontSize="10">
              {t * 100}%
            </text>
          </g>
        ))}
        {ticks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={H - PAD.bottom + 14} textAnchor="middle" fontSize="10">
            {t * 100}%
          </text>
        ))}
        <text x={(W + PAD.left) / 2} y={H - 4} textAnchor="middle" fontSize="10">
          coverage
        </text>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(target)} y2={y(target)} stroke="#b35900" strokeDasharray="4 3" />
        <path
          d={path(curve.map((p) => [x(p.coverage), y(p.precision)]))}
          fill="none"
          stroke="#1a5fb4"
          strokeWidth="2"
        />
        <path
          d={path(curve.map((p) => [x(p.coverage), y(p.lowerBound)]))}
          fill="none"
          stroke="#1a5fb4"
          strokeWidth="1"
          strokeDasharray="2 2"
        />
        {chosen ? <circle cx={x(chosen.coverage)} cy={y(chosen.lowerBound)} r="4" fill="#26a269" /> : null}
      </svg>
      <figcaption className="muted">
        Solid: precision; dotted: its 95% lower bound; dashed: the target ({Math.round(target * 1000) / 10}%)
        {chosen ? '; dot: the learned threshold' : ''}.
      </figcaption>
    </figure>
  );
}
