import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderFile } from './render-file';
import { ValuesError } from './values';

const USAGE = 'usage: npm run k8s:render -- [--values <file>] [--out <dir>]';

/**
 * `npm run k8s:render -- --values <file> [--out <dir>]`: prints the manifests, or writes them to
 * <dir>/<values file name>.yaml (default.yaml without --values). Paths are taken from where npm was run.
 */
function main(): void {
  let options: { values?: string; out?: string };
  try {
    ({ values: options } = parseArgs({
      options: { values: { type: 'string' }, out: { type: 'string' } },
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const valuesFile = options.values === undefined ? undefined : resolve(cwd, options.values);
  let manifests: string;
  try {
    manifests = renderFile(valuesFile);
  } catch (error) {
    console.error(error instanceof ValuesError ? error.message : `render failed: ${(error as Error).message}`);
    process.exit(1);
  }
  if (options.out === undefined) {
    process.stdout.write(manifests);
    return;
  }
  const outDir = resolve(cwd, options.out);
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, `${valuesFile ? basename(valuesFile, extname(valuesFile)) : 'default'}.yaml`);
  writeFileSync(target, manifests);
  console.error(`wrote ${relative(cwd, target) || target}`);
}

main();
