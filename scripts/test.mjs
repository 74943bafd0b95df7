#!/usr/bin/env node
// `npm test`: install if needed, build, run every workspace's suite on the real
// services, then print one closing line `N passed, N failed`.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, ensureInstalled, ROOT } from './lib.mjs';

ensureInstalled();
build();
// Lint first: it is fast and catches floating promises and non-exhaustive switches.
// A lint failure counts as one failed check; the suites still run.
// The build above already type-checks every workspace (tsc, next build); Prettier is checked here too.
const eslint = spawnSync('npx', ['turbo', 'run', 'lint', '--output-logs=errors-only'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
const prettier = spawnSync('npx', ['prettier', '--check', '--log-level=warn', '.'], { cwd: ROOT, stdio: 'inherit' });
const lint = { status: eslint.status || prettier.status };

const SUITES = [
  { name: 'graphs', dir: 'graphs', dirs: ['dist'] },
  { name: 'backend', dir: 'backend', dirs: ['dist'] },
  { name: 'review-ui', dir: 'review-ui', dirs: ['dist/e2e'] },
  { name: 'deploy', dir: 'deploy', dirs: ['dist'] },
];
const only = process.env.TEST_SUITE;
const tapDir = mkdtempSync(join(tmpdir(), 'handoff-tap-'));
let passed = 0;
let failed = 0;
let broken = false;

for (const suite of SUITES.filter((suite) => !only || suite.name === only)) {
  console.log(`\n[handoff] ${suite.name} tests`);
  const tapFile = join(tapDir, `${suite.name}.tap`);
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/run-node-tests.mjs'), ...suite.dirs], {
    cwd: join(ROOT, suite.dir),
    stdio: 'inherit',
    env: { ...process.env, TEST_TAP_FILE: tapFile },
  });
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  // The runner may append several TAP summaries (exclusive files run in a second pass): add them up.
  const count = (label) =>
    [...tap.matchAll(new RegExp(`^# ${label} (\\d+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
  passed += count('pass');
  failed += count('fail');
  // A runner that died without a summary must not look green.
  if (result.status !== 0 && count('fail') === 0) broken = true;
}

if (broken) failed += 1;
if (lint.status !== 0) failed += 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
