import type { Citation } from '@handoff/contracts';

/** Only http(s) addresses become links; anything else in a stored citation is shown as nothing. */
const safeUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);

/**
 * The knowledge passages the draft was grounded in, numbered as the model cited them. Titles and
 * passages are data from the knowledge base: React renders them as text, never as HTML.
 */
export function Sources({ citations }: { citations: Citation[] }) {
  return (
    <section aria-labelledby="sources-heading" className="sources">
      <h3 id="sources-heading">Sources</h3>
      {citations.length === 0 ? (
        <p className="muted">The draft cites no knowledge-base article.</p>
      ) : (
        <ol>
          {citations.map((citation, index) => {
            const url = safeUrl(citation.url);
            return (
              <li key={`${citation.articleId}-${index}`}>
                <p className="source-title">
                  <strong>{citation.title}</strong>
                  {url ? (
                    <>
                      {' '}
                      <a href={url} rel="noopener noreferrer" target="_blank">
                        Open article<span className="visually-hidden"> {citation.title} (new tab)</span>
                      </a>
                    </>
                  ) : null}
                </p>
                <blockquote className="passage">{citation.chunk}</blockquote>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
