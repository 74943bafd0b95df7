import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CategoryCorrection } from '../../../components/CategoryCorrection';
import { ClaimControls } from '../../../components/ClaimControls';
import { DecisionPanel } from '../../../components/DecisionPanel';
import { DraftDiff } from '../../../components/DraftDiff';
import { EmailHtml } from '../../../components/EmailHtml';
import { ReviewLive } from '../../../components/ReviewLive';
import { SaveAsArticle } from '../../../components/SaveAsArticle';
import { Sources } from '../../../components/Sources';
import { ApiError, api, requireSession } from '../../../lib/api';
import { formatDate } from '../../../lib/browser';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const ACTION_LABELS = {
  approve: 'approved',
  edit: 'edited and approved',
  reject: 'rejected',
  redraft: 'asked for a redraft',
  recategorise: 'corrected the category',
} as const;

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requireSession();
  const { id } = await params;
  let review;
  try {
    review = await api.review(id);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
    throw error;
  }
  const [audit, reviewers, categories] = await Promise.all([
    api.audit(id).catch(() => null),
    me.role === 'admin' ? api.reviewers().then((list) => list.items) : Promise.resolve(null),
    // The taxonomy's keys, for the category correction.
    api
      .calibration()
      .then((calibration) => calibration.categories.map((row) => row.category))
      .catch(() => [] as string[]),
  ]);
  const { message, request } = review;
  const final = review.decisions.filter((d) => d.action !== 'redraft' && d.action !== 'recategorise').at(-1);
  const heldByOther = review.claim && review.claim.reviewerId !== me.id;

  return (
    <>
      <ReviewLive reviewId={review.id} waiting={review.status === 'redrafting'} />
      <p>
        <Link href="/queue">← Back to the queue</Link>
      </p>
      <h1>{message.subject || '(no subject)'}</h1>

      {review.status === 'decided' ? (
        <div className="notice conflict" role="status">
          <p>
            <strong>This review is already decided</strong>
            {final
              ? ` — ${final.actor} ${ACTION_LABELS[final.action]} via ${final.surface} at ${formatDate(final.decidedAt)}.`
              : '.'}{' '}
            There is nothing left to send.
          </p>
          {review.reply ? (
            <>
              <p>
                Reply {review.reply.status}
                {review.reply.sentAt ? ` at ${formatDate(review.reply.sentAt)}` : ''}:
              </p>
              <pre className="body">{review.reply.body}</pre>
            </>
          ) : null}
        </div>
      ) : null}
      {review.status === 'redrafting' ? (
        <p className="notice" role="status">
          A new draft is being written. It will appear here on its own.
        </p>
      ) : null}
      {review.followUp ? (
        <div
          className={review.followUp.kind === 'superseded' ? 'notice conflict' : 'notice'}
          role="status"
          data-testid="follow-up"
        >
          <p>
            <strong>Customer wrote again</strong>
            {review.followUp.kind === 'superseded'
              ? ' — this review was closed, and nothing from it will be sent. A new draft answers the whole conversation. '
              : ' — this draft answers the whole conversation, their newest message included. '}
            {review.followUp.reviewId ? (
              <Link href={`/reviews/${review.followUp.reviewId}`}>
                {review.followUp.kind === 'superseded' ? 'Open the new review' : 'Open the earlier, closed review'}
              </Link>
            ) : (
              <Link href={`/runs/${review.followUp.runId}`}>
                {review.followUp.kind === 'superseded' ? 'The new run' : 'The earlier run'}
              </Link>
            )}
          </p>
          <p>
            Their newest message ({review.followUp.message.from}, {formatDate(review.followUp.message.receivedAt)}):
          </p>
          <pre className="body">{review.followUp.message.text}</pre>
        </div>
      ) : null}

      <div className="review-grid">
        <section aria-labelledby="message-heading">
          <h2 id="message-heading">Original message</h2>
          <dl className="meta">
            <dt>From</dt>
            <dd>{message.from.name ? `${message.from.name} <${message.from.address}>` : message.from.address}</dd>
            <dt>To</dt>
            <dd>{message.to.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ') || '—'}</dd>
            {message.cc.length ? (
              <>
                <dt>Cc</dt>
                <dd>{message.cc.map((a) => a.address).join(', ')}</dd>
              </>
            ) : null}
            <dt>Date</dt>
            <dd>{formatDate(message.receivedAt)}</dd>
            <dt>Subject</dt>
            <dd>{message.subject || '(no subject)'}</dd>
            <dt>Due</dt>
            <dd>{formatDate(review.dueAt)}</dd>
          </dl>
          {message.attachments.length ? (
            <>
              <h3>Attachments</h3>
              <ul>
                {message.attachments.map((a, index) => (
                  <li key={index}>
                    {a.filename} ({a.contentType}, {formatSize(a.size)})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Text</h3>
          <pre className="body">{message.text}</pre>
          {message.untrustedHtml ? (
            <>
              <h3>Formatted (HTML)</h3>
              <EmailHtml untrustedHtml={message.untrustedHtml} />
            </>
          ) : null}
          {message.thread.length ? (
            <>
              <h3>Earlier in this conversation</h3>
              <ol className="thread">
                {message.thread.map((entry, index) => (
                  <li key={index}>
                    <p className="muted">
                      {entry.direction === 'inbound' ? 'From' : 'We replied as'} {entry.approvedBy ?? entry.from},{' '}
                      {formatDate(entry.at)}
                    </p>
                    <pre className="body">{entry.text}</pre>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </section>

        <section aria-labelledby="decide-heading">
          <h2 id="classification-heading">Classification</h2>
          <dl className="meta">
            <dt>Category</dt>
            <dd>{request.classification.category}</dd>
            <dt>Intent</dt>
            <dd>{request.classification.intent}</dd>
            <dt>Urgency</dt>
            <dd>{request.classification.urgency}</dd>
            <dt>Confidence</dt>
            <dd>
              <meter min={0} max={1} value={request.confidence} aria-label="Confidence" />{' '}
              {Math.round(request.confidence * 100)}%
            </dd>
            <dt>Risk flags</dt>
            <dd>{request.classification.riskFlags.join(', ') || 'none'}</dd>
            {request.auditSample ? (
              <>
                <dt>Audit sample</dt>
                <dd>This would have gone out alone; your decision checks the auto-send gate.</dd>
              </>
            ) : null}
            <dt>Why a person is asked</dt>
            <dd>{request.reasons.map((r) => r.replaceAll('_', ' ')).join(', ') || '—'}</dd>
          </dl>
          {request.confidenceReasons.length ? (
            <>
              <h3>Confidence reasons</h3>
              <ul>
                {request.confidenceReasons.map((reason, index) => (
                  <li key={index}>{reason}</li>
                ))}
              </ul>
            </>
          ) : null}
          <Sources citations={request.citations} />
          <p>
            <Link href={`/runs/${review.runId}`}>Workflow run: steps and timings</Link>
          </p>

          <h2 id="decide-heading">Decide {review.round > 0 ? `(draft ${review.round + 1})` : ''}</h2>
          {review.status === 'pending' ? (
            <>
              <ClaimControls reviewId={review.id} claim={review.claim} meId={me.id} reviewers={reviewers} />
              {heldByOther ? (
                <p className="muted">You can still decide, but {review.claim?.reviewerName} is working on it.</p>
              ) : null}
              <DecisionPanel
                key={review.round}
                reviewId={review.id}
                draft={request.draft}
                redraftsRemaining={request.redraftsRemaining}
              />
              <CategoryCorrection
                key={`category-${review.round}`}
                reviewId={review.id}
                current={request.classification.category}
                categories={categories}
              />
              <section aria-labelledby="shortcuts-heading" className="shortcuts">
                <h3 id="shortcuts-heading">Keyboard shortcuts</h3>
                <dl>
                  <dt>
                    <kbd>a</kbd>
                  </dt>
                  <dd>Approve (shows your changes first if you edited)</dd>
                  <dt>
                    <kbd>e</kbd>
                  </dt>
                  <dd>Edit: focus the reply editor</dd>
                  <dt>
                    <kbd>r</kbd>
                  </dt>
                  <dd>Reject with a reason</dd>
                  <dt>
                    <kbd>d</kbd>
                  </dt>
                  <dd>Request a redraft with feedback</dd>
                  <dt>
                    <kbd>Esc</kbd>
                  </dt>
                  <dd>Cancel; leave the editor with Tab</dd>
                </dl>
              </section>
            </>
          ) : (
            <p className="muted">No decision can be made here now.</p>
          )}
          {review.status === 'decided' &&
          final &&
          final.action !== 'reject' &&
          (me.role === 'admin' || final.actor === me.email) ? (
            <SaveAsArticle reviewId={review.id} defaultTitle={message.subject} />
          ) : null}
        </section>
      </div>

      {review.decisions.length ? (
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">Decisions</h2>
          <ol className="decisions">
            {review.decisions.map((d) => (
              <li key={d.id}>
                <p>
                  <strong>{d.actor}</strong> {ACTION_LABELS[d.action]}
                  {d.category ? ` to ${d.category}` : ''} on draft {d.round + 1} via {d.surface} at{' '}
                  {formatDate(d.decidedAt)}
                </p>
                {d.reason ? <p>Reason: {d.reason}</p> : null}
                {d.feedback ? <p>Feedback: {d.feedback}</p> : null}
                {d.finalText && d.finalText !== d.draftText ? (
                  <DraftDiff before={d.draftText} after={d.finalText} label={`Changes made by ${d.actor}`} />
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        {audit && audit.items.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On</th>
              </tr>
            </thead>
            <tbody>
              {audit.items.map((entry, index) => (
                <tr key={index}>
                  <td>{formatDate(entry.at)}</td>
                  <td>{entry.actor}</td>
                  <td>{entry.action}</td>
                  <td>{entry.entityType}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No audit entries.</p>
        )}
      </section>
    </>
  );
}
