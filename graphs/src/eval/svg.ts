// Small, dependency-free SVG charts for the evaluation report.
import type { CalibrationBin, CategoryScore, GatePoint } from './metrics';

const WIDTH = 480;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 32, bottom: 48 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const FONT = 'font-family="sans-serif" font-size="11"';

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char,
  );
}

const x = (value: number) => MARGIN.left + value * PLOT_W;
/** The y axis runs from yMin (0 unless a chart zooms in) to 1. */
const yAxis = (yMin: number) => (value: number) => MARGIN.top + (1 - (value - yMin) / (1 - yMin)) * PLOT_H;
const y = yAxis(0);
const fixed = (value: number) => value.toFixed(1);
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function frame(title: string, xLabel: string, yLabel: string, body: string[], yMin = 0): string {
  const toY = yAxis(yMin);
  const ticks = TICKS.flatMap((share) => {
    const tick = yMin + share * (1 - yMin);
    return [
      `<line x1="${fixed(x(0))}" y1="${fixed(toY(tick))}" x2="${fixed(x(1))}" y2="${fixed(toY(tick))}" stroke="#e5e5e5"/>`,
      `<text x="${fixed(x(0) - 6)}" y="${fixed(toY(tick) + 4)}" text-anchor="end" ${FONT}>${tick.toFixed(2)}</text>`,
      `<text x="${fixed(x(share))}" y="${fixed(toY(yMin) + 16)}" text-anchor="middle" ${FONT}>${share.toFixed(1)}</text>`,
    ];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="14">${escapeXml(title)}</text>`,
    ...ticks,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#888"/>`,
    `<text x="${fixed(x(0.5))}" y="${HEIGHT - 10}" text-anchor="middle" ${FONT}>${escapeXml(xLabel)}</text>`,
    `<text x="14" y="${fixed(y(0.5))}" text-anchor="middle" transform="rotate(-90 14 ${fixed(y(0.5))})" ${FONT}>${escapeXml(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Accuracy per confidence bin against the diagonal of perfect calibration. */
export function reliabilityDiagram(bins: CalibrationBin[], ece: number): string {
  const bars = bins
    .filter((bin) => bin.count > 0)
    .map(
      (bin) =>
        `<rect x="${fixed(x(bin.from) + 1)}" y="${fixed(y(bin.accuracy))}" width="${fixed((bin.to - bin.from) * PLOT_W - 2)}" ` +
        `height="${fixed(bin.accuracy * PLOT_H)}" fill="#4c78a8"><title>${bin.from.toFixed(1)}–${bin.to.toFixed(1)}: ` +
        `${bin.count} messages, accuracy ${bin.accuracy.toFixed(2)}, mean confidence ${bin.meanConfidence.toFixed(2)}</title></rect>`,
    );
  const diagonal = `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#e45756" stroke-dasharray="4 3"/>`;
  return frame(`Reliability (ECE ${ece.toFixed(3)})`, 'classifier confidence', 'accuracy', [...bars, diagonal]);
}

/** Coverage against precision as the auto-send threshold moves; the marked point is the configured policy. */
export function gateCurveChart(
  curve: GatePoint[],
  policyPoint: { coverage: number; precision: number | null },
): string {
  const points = curve.filter((point) => point.precision !== null);
  // Zoom in on the precisions that occur: the interesting differences are between 0.9 and 1.
  const lowest = Math.min(...points.map((point) => point.precision ?? 1), policyPoint.precision ?? 1);
  const yMin = Math.min(0.8, Math.floor(lowest * 10) / 10);
  const toY = yAxis(yMin);
  const path = points
    .map((point, index) => `${index === 0 ? 'M' : 'L'}${fixed(x(point.coverage))},${fixed(toY(point.precision ?? 0))}`)
    .join(' ');
  // Label every tenth threshold, skipping labels that would sit on top of the previous one.
  const labelled: GatePoint[] = [];
  for (const point of points.filter((candidate) => Math.round(candidate.threshold * 100) % 10 === 0)) {
    const previous = labelled.at(-1);
    if (!previous || Math.abs(x(previous.coverage) - x(point.coverage)) > 28) labelled.push(point);
  }
  const labels = labelled.map(
    (point) =>
      `<circle cx="${fixed(x(point.coverage))}" cy="${fixed(toY(point.precision ?? 0))}" r="2.5" fill="#4c78a8"/>` +
      `<text x="${fixed(x(point.coverage))}" y="${fixed(toY(point.precision ?? 0) + 14)}" text-anchor="middle" ${FONT}>${point.threshold.toFixed(1)}</text>`,
  );
  const marker =
    policyPoint.precision === null
      ? []
      : [
          `<circle cx="${fixed(x(policyPoint.coverage))}" cy="${fixed(toY(policyPoint.precision))}" r="5" fill="none" stroke="#e45756" stroke-width="2"><title>configured policy</title></circle>`,
        ];
  return frame(
    'Auto-send gate: coverage vs precision (labels: threshold)',
    'coverage (share auto-sent)',
    'precision (right category)',
    [`<path d="${path}" fill="none" stroke="#4c78a8" stroke-width="2"/>`, ...labels, ...marker],
    yMin,
  );
}

/** Precision, recall and F1 per category as grouped horizontal bars. */
export function categoryChart(scores: CategoryScore[]): string {
  const rowHeight = 26;
  const left = 140;
  const width = 520;
  const plot = width - left - 20;
  const height = 40 + scores.length * rowHeight + 30;
  const series: [keyof CategoryScore, string][] = [
    ['precision', '#4c78a8'],
    ['recall', '#f58518'],
    ['f1', '#54a24b'],
  ];
  const rows = scores.flatMap((score, row) => {
    const top = 36 + row * rowHeight;
    return [
      `<text x="${left - 6}" y="${top + 14}" text-anchor="end" ${FONT}>${escapeXml(score.category)}</text>`,
      ...series.map(
        ([key, colour], index) =>
          `<rect x="${left}" y="${top + index * 7}" width="${fixed(Number(score[key]) * plot)}" height="6" fill="${colour}">` +
          `<title>${escapeXml(score.category)} ${key} ${Number(score[key]).toFixed(2)}</title></rect>`,
      ),
    ];
  });
  const legend = series.map(
    ([key, colour], index) =>
      `<rect x="${left + index * 90}" y="${height - 18}" width="10" height="10" fill="${colour}"/>` +
      `<text x="${left + index * 90 + 14}" y="${height - 9}" ${FONT}>${key}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Per-category scores">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="14">Per-category precision, recall, F1</text>`,
    ...rows,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

/** Rows are the expected category, columns the predicted one; darker is more. */
export function confusionChart(labels: string[], matrix: number[][]): string {
  const cell = 30;
  const left = 130;
  const top = 130;
  const size = left + labels.length * cell + 10;
  const height = top + labels.length * cell + 10;
  const max = Math.max(1, ...matrix.flat());
  const header = labels.map(
    (label, column) =>
      `<text transform="translate(${left + column * cell + cell / 2 + 4},${top - 6}) rotate(-60)" ${FONT}>${escapeXml(label)}</text>`,
  );
  const cells = matrix.flatMap((row, r) => [
    `<text x="${left - 6}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end" ${FONT}>${escapeXml(labels[r] ?? '')}</text>`,
    ...row.map((count, c) => {
      const shade = count === 0 ? 1 : 0.85 - 0.75 * (count / max);
      const fill = r === c ? `hsl(140,45%,${(shade * 100).toFixed(0)}%)` : `hsl(10,70%,${(shade * 100).toFixed(0)}%)`;
      // White figures on the dark cells, so they stay readable.
      const ink = shade < 0.5 ? '#fff' : '#000';
      const text =
        count === 0
          ? ''
          : `<text x="${left + c * cell + cell / 2}" y="${top + r * cell + cell / 2 + 4}" text-anchor="middle" fill="${ink}" ${FONT}>${count}</text>`;
      return `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"/>${text}`;
    }),
  ]);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}" role="img" aria-label="Confusion matrix">`,
    `<rect width="${size}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="20" font-family="sans-serif" font-size="14">Confusion matrix (rows: expected, columns: predicted)</text>`,
    ...header,
    ...cells,
    '</svg>',
    '',
  ].join('\n');
}
