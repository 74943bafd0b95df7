#!/usr/bin/env node
// Runs node:test over compiled test files below the given folders.
// Usage: node run-node-tests.mjs <dir> [<dir> ...]   (env TEST_FILTER narrows by path substring)
// Node 20's --test does not expand globs, so we find the files ourselves.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const TEST_FILE = /\.(spec|test)\.js$/;

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
const files = dirs
  .flatMap((dir) => findTests(resolve(dir)))
  .filter((file) => !filter || file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}

const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (process.env.TEST_TAP_FILE) {
  reporters.push('--test-reporter=tap', `--test-reporter-destination=${process.env.TEST_TAP_FILE}`);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 1}`, ...reporters, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
