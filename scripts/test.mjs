#!/usr/bin/env node
// `npm test`: install if needed, build, then lint and run every workspace's suite on the real
// services, then print one closing line `N passed, N failed`.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { build, ensureInstalled, ROOT } from './lib.mjs';

ensureInstalled();
// The build type-checks every workspace (tsc, next build).
build();

/** Runs a command to its end and resolves with its exit status (1 if it could not start or was killed). */
function exitStatus(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

// Lint runs beside the suites, which spend much of their time waiting on I/O and timers; one workspace at
// a time, so it takes one core at most. ESLint catches floating promises and non-exhaustive switches;
// Prettier checks the formatting. Both print only failures, and a failure counts as one failed check.
const lint = Promise.all([
  exitStatus('npx', ['turbo', 'run', 'lint', '--concurrency=1', '--output-logs=errors-only'], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  }),
  exitStatus('npx', ['prettier', '--check', '--log-level=warn', '.']),
]);

// Every suite's files share one pool of side-by-side runs (scripts/run-node-tests.mjs). The longest files
// decide when the run ends, so they start first: the backend's chaos run, then the browser tests.
const SUITES = {
  backend: ['backend/dist/test/chaos.test.js', 'backend/dist'],
  'review-ui': ['review-ui/dist/e2e'],
  graphs: ['graphs/dist'],
  deploy: ['deploy/dist'],
};
const START_ORDER = [SUITES.backend[0], ...SUITES['review-ui'], SUITES.backend[1], ...SUITES.graphs, ...SUITES.deploy];
const only = process.env.TEST_SUITE;
if (only && !SUITES[only]) {
  console.error(`TEST_SUITE must be one of ${Object.keys(SUITES).join(', ')}`);
  process.exit(1);
}
const tapFile = join(mkdtempSync(join(tmpdir(), 'handoff-tap-')), 'tests.tap');
const status = await exitStatus(
  process.execPath,
  [join(ROOT, 'scripts/run-node-tests.mjs'), ...(only ? SUITES[only] : START_ORDER)],
  { env: { ...process.env, TEST_TAP_FILE: tapFile } },
);
const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
// The runner may append several TAP summaries (exclusive files run in a second pass): add them up.
const count = (label) =>
  [...tap.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
const passed = count('pass');
let failed = count('fail');
// A runner that died without a summary must not look green.
if (status !== 0 && failed === 0) failed += 1;
if ((await lint).some((lintStatus) => lintStatus !== 0)) failed += 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
