import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApiError, api, requireSession } from '../../../lib/api';
import { formatDate } from '../../../lib/browser';
import { WorkflowDiagram } from '../../../components/WorkflowDiagram';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSession();
  const { id } = await params;
  const [run, drawing] = await Promise.all([
    api.run(id).catch((error: unknown) => {
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
      throw error;
    }),
    api.workflowDrawing().catch(() => null),
  ]);
  const total = run.steps.reduce((sum, step) => sum + step.durationMs, 0);
  return (
    <>
      <h1>Workflow run</h1>
      <dl className="meta">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Status</dt>
        <dd>{run.status}</dd>
        <dt>Graph</dt>
        <dd>
          {run.graph.name} v{run.graph.version}
          {run.model ? ` · model ${run.model}` : ''}
        </dd>
        <dt>Message</dt>
        <dd>
          {run.message.subject} (from {run.message.from})
          {run.message.ignoredReason ? ` · not worked on: ${run.message.ignoredReason}` : ''}
        </dd>
        {run.classification ? (
          <>
            <dt>Category</dt>
            <dd>
              {run.classification.category}
              {run.confidence !== null ? ` · confidence ${run.confidence.toFixed(2)}` : ''}
            </dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>{formatDate(run.createdAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDate(run.finishedAt)}</dd>
        {run.error ? (
          <>
            <dt>Error</dt>
            <dd>
              {run.error}
              {run.failedStep ? ` (in ${run.failedStep})` : ''}
            </dd>
          </>
        ) : null}
        {run.reply ? (
          <>
            <dt>Reply</dt>
            <dd>
              {run.reply.status}
              {run.reply.sentAt ? ` at ${formatDate(run.reply.sentAt)}` : ''}
            </dd>
          </>
        ) : null}
        {run.reviewId ? (
          <>
            <dt>Review</dt>
            <dd>
              <Link href={`/reviews/${run.reviewId}`}>Open the review</Link>
            </dd>
          </>
        ) : null}
      </dl>
      <h2>Steps</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {run.steps.map((step, index) => (
            <tr key={index}>
              <td>{step.node}</td>
              <td>{formatDate(step.startedAt)}</td>
              <td>{step.durationMs} ms</td>
              <td>
                <span
                  className="bar"
                  style={{ width: `${total ? Math.max(2, (step.durationMs / total) * 100) : 0}%` }}
                  aria-hidden="true"
                />
                <span className="visually-hidden">{total ? Math.round((step.durationMs / total) * 100) : 0}%</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>The workflow</h2>
      {drawing ? (
        <WorkflowDiagram drawing={drawing} highlight={run.steps.map((s) => s.node)} />
      ) : (
        <p className="muted">The graph drawing is not available.</p>
      )}
    </>
  );
}
