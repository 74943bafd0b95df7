/** Small helpers for the charts the server draws as SVG (no chart library: a few paths and rectangles). */

/** An SVG path through the points, in order. */
export const linePath = (points: [number, number][]) =>
  points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');

/** The runs of consecutive non-null values, as [index, value] pairs: a line breaks where data is missing. */
export function segments(values: readonly (number | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (current.length) out.push(current);
      current = [];
    } else current.push([i, value]);
  });
  if (current.length) out.push(current);
  return out;
}

/** The smallest 1, 2 or 5 × 10^k at or above `max` (at least 1), for a count axis. */
export function niceCeiling(max: number): number {
  if (!(max > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Indexes to label on an axis of `n` points: the first, the last, and up to `max` evenly between. */
export function labelIndexes(n: number, max = 6): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (max - 1);
  return [...new Set(Array.from({ length: max }, (_, i) => Math.round(i * step)))];
}
