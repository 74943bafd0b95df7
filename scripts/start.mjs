#!/usr/bin/env node
// `npm start`: install if needed, build, create and migrate the database, then run
// the backend (API + worker by default) and the review UI until SIGTERM/SIGINT.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureEnvFile, ensureInstalled, loadEnvFile, ROOT, run } from './lib.mjs';

ensureInstalled();
const env = { ...loadEnvFile(ensureEnvFile()), ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
build();
run(process.execPath, ['backend/dist/src/cli.js', 'setup'], { env });

const port = env.PORT || '3000';
const children = [
  spawn(process.execPath, ['backend/dist/src/main.js'], { cwd: ROOT, env, stdio: 'inherit' }),
  spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/next/dist/bin/next'),
      'start',
      '-p',
      env.REVIEW_UI_PORT || '3001',
      '-H',
      env.HOST || '127.0.0.1',
    ],
    {
      cwd: join(ROOT, 'review-ui'),
      env: { ...env, API_URL: env.API_URL || `http://127.0.0.1:${port}` },
      stdio: 'inherit',
    },
  ),
];

let stopping = false;
let exitCode = 0;
function stop(code) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop(0));
let running = children.length;
for (const child of children) {
  child.on('exit', (code) => {
    // One part stopping on its own takes the other down with it.
    if (!stopping) stop(code ?? 1);
    if (--running === 0) process.exit(exitCode);
  });
}
