// `npm run eval -- …`: the triage evaluation (graphs), or with --kb the knowledge-base retrieval evaluation
// (backend, on a scratch PostgreSQL database).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const kb = args.includes('--kb');
const filter = kb ? '@handoff/backend' : '@handoff/graphs';
const run = (command, commandArgs) => {
  const result = spawnSync(command, commandArgs, {
    stdio: ['inherit', kb ? 'inherit' : 'inherit', 'inherit'],
    shell: false,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npx', ['turbo', 'run', 'build', `--filter=${filter}`, '--output-logs=errors-only']);
run('node', [kb ? 'backend/dist/src/knowledge/kb-eval.js' : 'graphs/dist/eval/cli.js', ...args]);
