// Shared steps of `npm start` and `npm test`: install when needed, load .env, build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[handoff] ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** Installs dependencies when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[handoff] installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Builds every workspace through turbo; unchanged packages come from turbo's cache. */
export function build(filter) {
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only', ...(filter ? [`--filter=${filter}`] : [])], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
  });
}

/** Parses KEY=VALUE lines; the real environment always wins over the file. */
export function loadEnvFile(path) {
  if (!existsSync(path)) return {};
  const values = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith('#')) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** First run: copy .env.example to .env with a fresh admin API key and a first admin account for the UI. */
export function ensureEnvFile() {
  const envPath = join(ROOT, '.env');
  if (existsSync(envPath)) return envPath;
  const key = randomBytes(24).toString('base64url');
  const password = randomBytes(12).toString('base64url');
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const env = example
    .replace(/^ADMIN_API_KEY=.*$/m, `ADMIN_API_KEY=${key}`)
    .replace(/^ADMIN_EMAIL=.*$/m, 'ADMIN_EMAIL=admin@handoff.localhost')
    .replace(/^ADMIN_PASSWORD=.*$/m, `ADMIN_PASSWORD=${password}`);
  writeFileSync(envPath, env, { mode: 0o600 });
  console.log('[handoff] created .env with a new admin API key and a first admin account');
  console.log(`[handoff] sign in to the review UI as admin@handoff.localhost with the ADMIN_PASSWORD in .env`);
  return envPath;
}

/** PostgreSQL of the test suites (the same default as backend/test/support/test-service.ts). */
const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * Names a test run's template database: the first test file that needs a database migrates it once,
 * every file copies it (`CREATE DATABASE … TEMPLATE`), and whoever named it drops it afterwards.
 */
export function newTemplateDatabaseName() {
  return `handoff_template_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops the template database, if a test file created it; a suite that never touched PostgreSQL needs none. */
export async function dropTemplateDatabase(name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: `${TEST_POSTGRES_URL}/postgres` });
  try {
    await admin.connect();
  } catch {
    return; // PostgreSQL is not running, so no test file created it
  }
  try {
    for (const database of [name, `${name}_building`]) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
