import Link from 'next/link';
import { DraftDiff } from '../../components/DraftDiff';
import { api, requireSession } from '../../lib/api';
import { formatDate } from '../../lib/browser';

export default async function HistoryPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  await requireSession();
  const { cursor } = await searchParams;
  const page = await api.history(typeof cursor === 'string' ? cursor : undefined);
  return (
    <>
      <h1>History</h1>
      {page.items.length === 0 ? <p>No decisions yet.</p> : null}
      <ol className="history">
        {page.items.map((item) => (
          <li key={item.decision.id}>
            <article aria-labelledby={`h-${item.decision.id}`}>
              <h2 id={`h-${item.decision.id}`}>
                <Link href={`/reviews/${item.reviewId}`}>{item.subject || '(no subject)'}</Link>
              </h2>
              <p>
                <strong>{item.decision.actor}</strong> — {item.decision.action} via {item.decision.surface} at{' '}
                {formatDate(item.decision.decidedAt)} · from {item.from} · {item.category}
              </p>
              {item.decision.reason ? <p>Reason: {item.decision.reason}</p> : null}
              {item.decision.feedback ? <p>Feedback: {item.decision.feedback}</p> : null}
              {item.decision.finalText && item.decision.finalText !== item.decision.draftText ? (
                <details>
                  <summary>Changes to the AI draft</summary>
                  <DraftDiff
                    before={item.decision.draftText}
                    after={item.decision.finalText}
                    label="Changes to the AI draft"
                  />
                </details>
              ) : null}
              {item.reply ? (
                <details>
                  <summary>
                    Reply {item.reply.status}
                    {item.reply.sentAt ? ` at ${formatDate(item.reply.sentAt)}` : ''}
                  </summary>
                  <pre className="body">{item.reply.body}</pre>
                </details>
              ) : null}
              <p>
                <Link href={`/reviews/${item.reviewId}#audit-heading`}>Audit trail</Link> ·{' '}
                <Link href={`/runs/${item.runId}`}>Run</Link>
              </p>
            </article>
          </li>
        ))}
      </ol>
      <nav aria-label="Pages" className="pager">
        {cursor ? <Link href="/history">Newest</Link> : null}
        {page.nextCursor ? <Link href={`/history?cursor=${encodeURIComponent(page.nextCursor)}`}>Older</Link> : null}
      </nav>
    </>
  );
}
