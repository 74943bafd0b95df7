// A node:test reporter that prints, once the run ends, how long each test file took (slowest first):
// from the moment the runner started the file to the last result it reported. With files running side
// by side these overlap, so they add up to more than the wall time; they show where the time goes.
import { relative } from 'node:path';

export default async function* fileDurations(source) {
  const started = new Map();
  const lastSeen = new Map();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file) continue;
    if (event.type === 'test:dequeue' && event.data.name === file) started.set(file, Date.now());
    lastSeen.set(file, Date.now());
  }
  const durations = [...started]
    .map(([file, start]) => [relative(process.cwd(), file), (lastSeen.get(file) - start) / 1000])
    .sort((a, b) => b[1] - a[1]);
  if (durations.length === 0) return;
  yield '\n[handoff] seconds per test file, slowest first\n';
  for (const [file, seconds] of durations) yield `${seconds.toFixed(1).padStart(7)}  ${file}\n`;
}
