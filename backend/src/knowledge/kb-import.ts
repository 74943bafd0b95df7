// `npm run kb:import -- <dir> [--url http://localhost:3000]`: imports a folder of Markdown files with front
// matter over the API (POST /api/v1/knowledge/articles/import), all or nothing. ADMIN_API_KEY authenticates.
import { parseArgs } from 'node:util';
import { readMarkdownFolder } from './markdown-folder';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string', default: process.env.HANDOFF_URL ?? 'http://localhost:3000' } },
  });
  const [dir] = positionals;
  const apiKey = process.env.ADMIN_API_KEY;
  if (!dir || !apiKey) {
    console.error('usage: ADMIN_API_KEY=… npm run kb:import -- <dir> [--url http://localhost:3000]');
    process.exit(2);
  }
  const articles = readMarkdownFolder(dir);
  if (articles.length === 0) throw new Error(`no .md files under ${dir}`);
  const response = await fetch(`${values.url!.replace(/\/$/, '')}/api/v1/knowledge/articles/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${apiKey}` },
    body: articles.map((article) => JSON.stringify(article)).join('\n'),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`import refused (${response.status}): ${body}`);
  const result = JSON.parse(body) as { created: number; updated: number; unchanged: number };
  console.log(
    `imported ${articles.length} files from ${dir}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
  );
}

main().catch((error: Error) => {
  console.error(`kb:import failed: ${error.message}`);
  process.exit(1);
});
