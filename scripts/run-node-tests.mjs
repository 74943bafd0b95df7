#!/usr/bin/env node
// Runs node:test over compiled test files below the given folders.
// Usage: node run-node-tests.mjs <dir or file> ...   (env TEST_FILTER narrows by path substring)
// Node 20's --test does not expand globs, so we find the files ourselves.
// Test files run side by side, TEST_CONCURRENCY at a time (default 3): each has its own database,
// Redis prefix and ports. Files named *.exclusive.test.js disturb shared servers (they restart Redis
// and PostgreSQL), so they run one at a time after all the others have finished.
// Every file's database is a copy of one template migrated once per run (TEST_TEMPLATE_DATABASE names it;
// when the caller does not, this runner names it and drops it at the end).
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { dropTemplateDatabase, newTemplateDatabaseName } from './lib.mjs';

const DURATIONS_REPORTER = join(dirname(fileURLToPath(import.meta.url)), 'file-durations-reporter.mjs');
const DEFAULT_CONCURRENCY = 3;

const TEST_FILE = /\.(spec|test)\.js$/;
const EXCLUSIVE_FILE = /\.exclusive\.test\.js$/;

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (TEST_FILE.test(entry)) found.push(path);
  }
  return found;
}

const dirs = process.argv.slice(2);
const filter = process.env.TEST_FILTER;
// Files start in the order given (a folder's by name); a file named before its folder starts early.
const files = [
  ...new Set(dirs.flatMap((dir) => (statSync(dir).isDirectory() ? findTests(resolve(dir)).sort() : [resolve(dir)]))),
].filter((file) => !filter || file.includes(filter));
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}

/** Runs one node:test process; its TAP summary goes to `tapFile` when one is asked for. */
function run(group, concurrency, tapFile) {
  const reporters = [
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${DURATIONS_REPORTER}`,
    '--test-reporter-destination=stdout',
  ];
  if (tapFile) reporters.push('--test-reporter=tap', `--test-reporter-destination=${tapFile}`);
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...group],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}

const shared = files.filter((file) => !EXCLUSIVE_FILE.test(file));
// TEST_SKIP_EXCLUSIVE=1 leaves them out, e.g. while others use the same servers.
const exclusive = process.env.TEST_SKIP_EXCLUSIVE ? [] : files.filter((file) => EXCLUSIVE_FILE.test(file));
const tapFile = process.env.TEST_TAP_FILE;
const ownTemplate = !process.env.TEST_TEMPLATE_DATABASE;
process.env.TEST_TEMPLATE_DATABASE ??= newTemplateDatabaseName();
let status = shared.length ? run(shared, process.env.TEST_CONCURRENCY ?? DEFAULT_CONCURRENCY, tapFile) : 0;
if (exclusive.length) {
  console.log(`\n[handoff] ${exclusive.length} exclusive test file(s), run alone`);
  // A second TAP stream is appended, so the caller sums every "# pass N" / "# fail N" it finds.
  const exclusiveTap = tapFile && `${tapFile}.exclusive`;
  const exclusiveStatus = run(exclusive, 1, exclusiveTap);
  if (exclusiveTap && existsSync(exclusiveTap)) {
    appendFileSync(tapFile, readFileSync(exclusiveTap));
    rmSync(exclusiveTap);
  }
  status ||= exclusiveStatus;
}
if (ownTemplate) await dropTemplateDatabase(process.env.TEST_TEMPLATE_DATABASE);
process.exit(status);
