import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One article from a Markdown file, as the import API takes it (validated there). */
export interface MarkdownArticle {
  key: string;
  title: string;
  body: string;
  url?: string;
  tags?: string[];
  language?: string;
}

/** `key: value` lines between `---` fences; `[a, b]` and `a, b` are lists for tags. */
export function parseFrontMatter(source: string): { fields: Record<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) return { fields: {}, body: source };
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const pair = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (pair) fields[pair[1]!.toLowerCase()] = pair[2]!.trim().replace(/^["']|["']$/g, '');
  }
  return { fields, body: source.slice(match[0].length) };
}

const list = (value: string) =>
  value
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((item) => item.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean);

/**
 * Every `.md` file under `dir`, as articles keyed by their path (or front matter `key`), so importing the
 * folder again edits the same articles. The title is front matter `title` or the file's first heading.
 */
export function readMarkdownFolder(dir: string): MarkdownArticle[] {
  const files = (function walk(path: string): string[] {
    return readdirSync(path)
      .sort()
      .flatMap((name) => {
        const full = join(path, name);
        return statSync(full).isDirectory() ? walk(full) : name.toLowerCase().endsWith('.md') ? [full] : [];
      });
  })(dir);
  return files.map((file) => {
    const { fields, body } = parseFrontMatter(readFileSync(file, 'utf8'));
    const heading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
    const key = fields.key ?? relative(dir, file).replace(/\\/g, '/').replace(/\.md$/i, '');
    return {
      key,
      title: fields.title ?? heading ?? key,
      body: body.trim(),
      ...(fields.url ? { url: fields.url } : {}),
      ...(fields.tags ? { tags: list(fields.tags) } : {}),
      ...(fields.language ? { language: fields.language } : {}),
    };
  });
}
