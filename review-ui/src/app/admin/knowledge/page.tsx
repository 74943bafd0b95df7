import Link from 'next/link';
import { ArticleEditor } from '../../../components/ArticleEditor';
import { api, requireSession } from '../../../lib/api';
import { formatDate } from '../../../lib/browser';

export default async function KnowledgePage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; offset?: string }>;
}) {
  const me = await requireSession();
  const params = await searchParams;
  const q = typeof params.q === 'string' ? params.q.slice(0, 200) : '';
  const offset = Math.max(0, Number.parseInt(typeof params.offset === 'string' ? params.offset : '0', 10) || 0);
  const list = await api.articles(q, offset);
  const next = offset + list.items.length < list.total ? offset + list.items.length : null;
  return (
    <>
      <h1>Knowledge base</h1>
      <p className="muted">Drafts answer from these articles and cite them.</p>
      <form className="filters" role="search" method="get" action="/admin/knowledge">
        <label>
          Search titles and tags
          <input name="q" type="search" defaultValue={q} maxLength={200} />
        </label>
        <button type="submit">Search</button>
      </form>
      <p>
        {list.total} {list.total === 1 ? 'article' : 'articles'}
        {q ? ` match “${q}”` : ''}.
      </p>
      {list.items.length ? (
        <table className="articles">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Tags</th>
              <th scope="col">Language</th>
              <th scope="col">Version</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <Link href={`/admin/knowledge/${item.id}`}>{item.title}</Link>
                </td>
                <td>{item.tags.join(', ') || '—'}</td>
                <td>{item.language}</td>
                <td>{item.version}</td>
                <td>
                  {formatDate(item.updatedAt)} by {item.updatedBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {next !== null ? (
        <p className="pager">
          <Link href={`/admin/knowledge?${new URLSearchParams({ q, offset: String(next) }).toString()}`}>
            More articles
          </Link>
        </p>
      ) : null}
      {me.role === 'admin' ? (
        <section aria-labelledby="new-article-heading">
          <h2 id="new-article-heading">New article</h2>
          <ArticleEditor />
        </section>
      ) : null}
    </>
  );
}
