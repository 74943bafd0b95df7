import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '@kubernetes-models/base';

/** The repository root (tests run from deploy/dist/test). */
export const ROOT = join(__dirname, '..', '..', '..');

export const readRepoFile = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * Variable names of the README's "## Configuration" table, first column. A row may name several
 * (`A` / `B`); a name starting with `_` shortens the previous one (`POSTMARK_INBOUND_USER` / `_PASSWORD`).
 */
export function readmeConfigVariables(): string[] {
  const readme = readRepoFile('README.md');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README has no "## Configuration" section');
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstColumn = line.split('|')[1] ?? '';
    let previous = '';
    for (const [, name] of firstColumn.matchAll(/`([A-Z_]+)`/g)) {
      const full = name!.startsWith('_') ? previous.replace(/_[A-Z]+$/, '') + name : name!;
      names.push(full);
      previous = full;
    }
  }
  return names;
}

/** Plain JSON of a model, as it would be applied. */
export const plainObject = (model: Model<unknown>) => model.toJSON() as Record<string, any>;

/** Finds one object by kind and name among rendered models; fails the test when absent. */
export function findObject(objects: Model<unknown>[], kind: string, name: string): Record<string, any> {
  const found = objects.map(plainObject).find((object) => object.kind === kind && object.metadata?.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${objects
        .map(plainObject)
        .map((o) => o.kind)
        .join(', ')}`,
    );
  return found;
}

export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node script with only PATH and `env` in its environment; resolves with its exit code and output. */
export function runNode(args: string[], env: Record<string, string>, cwd = ROOT): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** The backend image's probe script: `node healthcheck.mjs live|ready`. */
export const HEALTHCHECK = join(ROOT, 'deploy/docker/healthcheck.mjs');
