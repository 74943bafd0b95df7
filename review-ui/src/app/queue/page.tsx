import Link from 'next/link';
import { QueueQuerySchema, type QueueQuery } from '@handoff/contracts';
import { QueueLive } from '../../components/QueueLive';
import { api, requireSession } from '../../lib/api';
import { formatDate } from '../../lib/browser';

type Search = Record<string, string | string[] | undefined>;

const CHANNEL_LABELS: Record<string, string> = { email: 'Email', webhook: 'Webhook' };

const SORT_LABELS: Record<QueueQuery['sort'], string> = { due: 'Due time', age: 'Age', confidence: 'Confidence' };

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === '' ? undefined : v;
}

function href(base: Partial<QueueQuery>, change: Partial<QueueQuery>): string {
  const merged: Record<string, unknown> = { ...base, ...change };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined && value !== null && value !== '' && key !== 'limit') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `/queue?${text}` : '/queue';
}

export default async function QueuePage({ searchParams }: { searchParams: Promise<Search> }) {
  const me = await requireSession();
  const raw = await searchParams;
  const parsed = QueueQuerySchema.safeParse({
    status: first(raw.status),
    sort: first(raw.sort),
    order: first(raw.order),
    category: first(raw.category),
    channel: first(raw.channel),
    assignee: first(raw.assignee) === 'me' ? me.id : first(raw.assignee),
    q: first(raw.q),
    escalated: first(raw.escalated),
    cursor: first(raw.cursor),
  });
  const query: QueueQuery = parsed.success ? parsed.data : QueueQuerySchema.parse({});
  const filters: Partial<QueueQuery> = {
    status: query.status,
    sort: query.sort,
    order: query.order,
    category: query.category,
    channel: query.channel,
    assignee: query.assignee,
    q: query.q,
    escalated: query.escalated,
  };
  const [page, reviewers] = await Promise.all([
    api.queue(query),
    me.role === 'admin' ? api.reviewers().then((list) => list.items) : Promise.resolve([]),
  ]);
  const categories = Object.entries(page.counts.byCategory).sort(([a], [b]) => a.localeCompare(b));
  // The channels that exist under the other filters, plus the chosen one even when nothing matches it.
  const channels = Object.keys({ ...page.counts.byChannel, ...(query.channel ? { [query.channel]: 0 } : {}) }).sort();
  const assigneeCount = (key: string) => page.counts.byAssignee[key] ?? 0;
  const allAssignees = Object.values(page.counts.byAssignee).reduce((a, b) => a + b, 0);
  // Reviewers holding claims that the admin list does not name (a reviewer sees only "Me").
  const holders = Object.keys(page.counts.byAssignee).filter(
    (id) => id !== 'unassigned' && id !== me.id && !reviewers.some((r) => r.id === id),
  );

  return (
    <>
      <h1>Review queue</h1>
      <QueueLive />
      {/* Keyed by the filters in force: after a link changes them (Reset, a category), the fields show them
          rather than what was typed and never applied. */}
      <form key={href(filters, {})} className="filters" method="get" action="/queue" aria-label="Filter the queue">
        <label>
          Search subject or sender
          <input type="search" name="q" defaultValue={query.q ?? ''} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={query.status}>
            <option value="pending">Pending</option>
            <option value="redrafting">Redrafting</option>
            <option value="decided">Decided</option>
            <option value="timed_out">Closed at deadline</option>
            <option value="superseded">Customer wrote again</option>
          </select>
        </label>
        <label>
          Deadline
          <select name="escalated" defaultValue={query.escalated ?? ''}>
            <option value="">Any</option>
            <option value="true">Escalated (admin queue)</option>
            <option value="false">Not escalated</option>
          </select>
        </label>
        <label>
          Category
          <input name="category" defaultValue={query.category ?? ''} list="category-options" />
          <datalist id="category-options">
            {categories.map(([name]) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          Channel
          <select name="channel" defaultValue={query.channel ?? ''}>
            <option value="">Any ({Object.values(page.counts.byChannel).reduce((a, b) => a + b, 0)})</option>
            {channels.map((name) => (
              <option key={name} value={name}>
                {CHANNEL_LABELS[name] ?? name} ({page.counts.byChannel[name] ?? 0})
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <select name="assignee" defaultValue={query.assignee ?? ''}>
            <option value="">Anyone ({allAssignees})</option>
            <option value="unassigned">Unassigned ({assigneeCount('unassigned')})</option>
            <option value={me.id}>Me ({assigneeCount(me.id)})</option>
            {reviewers
              .filter((r) => r.id !== me.id)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({assigneeCount(r.id)})
                </option>
              ))}
            {holders.map((id) => (
              <option key={id} value={id}>
                Another reviewer ({assigneeCount(id)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select name="sort" defaultValue={query.sort}>
            {Object.entries(SORT_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select name="order" defaultValue={query.order}>
            <option value="asc">Earliest / oldest / least confident first</option>
            <option value="desc">Latest / newest / most confident first</option>
          </select>
        </label>
        <button type="submit">Apply</button>
        <Link href="/queue">Reset</Link>
      </form>

      <nav aria-label="Counts by category" className="counts">
        <p>
          <strong>{page.counts.total}</strong> {page.counts.total === 1 ? 'review matches' : 'reviews match'}.
        </p>
        <ul>
          <li>
            <Link href={href(filters, { category: undefined })} aria-current={query.category ? undefined : 'page'}>
              All categories ({Object.values(page.counts.byCategory).reduce((a, b) => a + b, 0)})
            </Link>
          </li>
          {categories.map(([name, count]) => (
            <li key={name}>
              <Link
                href={href(filters, { category: name })}
                aria-current={query.category === name ? 'page' : undefined}
              >
                {name} ({count})
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {page.items.length === 0 ? (
        <p role="status">Nothing to review here.</p>
      ) : (
        <table className="queue" aria-describedby="queue-help">
          <caption className="visually-hidden">Reviews, {SORT_LABELS[query.sort].toLowerCase()} order</caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">From</th>
              <th scope="col">Category</th>
              <th scope="col">Channel</th>
              <th scope="col">Confidence</th>
              <th scope="col">Received</th>
              <th scope="col">Due</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <tr key={item.id} data-review-id={item.id}>
                <td>
                  <Link href={`/reviews/${item.id}`} className="row-link">
                    {item.subject || '(no subject)'}
                  </Link>
                  {item.round > 0 ? <span className="badge">redraft {item.round}</span> : null}
                  {item.escalatedAt ? <span className="badge">escalated</span> : null}
                </td>
                <td>{item.from}</td>
                <td>{item.category}</td>
                <td>{CHANNEL_LABELS[item.channel] ?? item.channel}</td>
                <td>{Math.round(item.confidence * 100)}%</td>
                <td>{formatDate(item.createdAt)}</td>
                <td>{formatDate(item.dueAt)}</td>
                <td>{item.claim ? (item.claim.reviewerId === me.id ? 'You' : item.claim.reviewerName) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p id="queue-help" className="muted">
        Shortcuts: <kbd>j</kbd>/<kbd>k</kbd> move between reviews, <kbd>Enter</kbd> opens the selected one.
      </p>
      <nav aria-label="Pages" className="pager">
        {query.cursor ? <Link href={href(filters, {})}>First page</Link> : null}
        {page.nextCursor ? <Link href={href(filters, { cursor: page.nextCursor })}>Next page</Link> : null}
      </nav>
    </>
  );
}
