import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ArticleEditor } from '../../../../components/ArticleEditor';
import { ApiError, api, requireSession } from '../../../../lib/api';
import { formatDate } from '../../../../lib/browser';

export default async function ArticlePage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requireSession();
  const { id } = await params;
  let article;
  try {
    article = await api.article(id);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
    throw error;
  }
  const versions = await api.articleVersions(id);
  return (
    <>
      <p>
        <Link href="/admin/knowledge">← Back to the knowledge base</Link>
      </p>
      <h1>{article.title}</h1>
      <dl className="meta">
        <dt>Version</dt>
        <dd>
          {article.version}, {formatDate(article.updatedAt)} by {article.updatedBy}
        </dd>
        <dt>Format</dt>
        <dd>{article.format}</dd>
        <dt>Passages</dt>
        <dd>{article.chunks}</dd>
        {article.key ? (
          <>
            <dt>Key</dt>
            <dd>{article.key}</dd>
          </>
        ) : null}
      </dl>
      {me.role === 'admin' ? (
        <section aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit</h2>
          <ArticleEditor key={article.version} article={article} />
        </section>
      ) : (
        <pre className="body">{article.body}</pre>
      )}
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <ol className="versions" reversed>
          {versions.items.map((version) => (
            <li key={version.version}>
              <details>
                <summary>
                  Version {version.version}: {version.action} by {version.changedBy} at {formatDate(version.changedAt)}{' '}
                  — {version.title}
                </summary>
                <pre className="body">{version.body}</pre>
              </details>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
