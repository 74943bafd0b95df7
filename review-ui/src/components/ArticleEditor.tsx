'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { Article } from '@handoff/contracts';
import { writes } from '../lib/browser';
import { parseTags } from './SaveAsArticle';
import { ActionMessage, type ActionOutcome } from './ActionMessage';

/**
 * Create an article, or edit one (each change saves a version) and delete it. Admin-only: the backend
 * refuses anyone else, and the pages show this only to admins.
 */
export function ArticleEditor({ article }: { article?: Article }) {
  const router = useRouter();
  const [message, setMessage] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const idPrefix = article ? 'edit' : 'new';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const input = {
      title: String(data.get('title') ?? ''),
      body: String(data.get('body') ?? ''),
      url: String(data.get('url') ?? '').trim() || null,
      tags: parseTags(String(data.get('tags') ?? '')),
      language: String(data.get('language') ?? '').trim() || 'en',
      // Keep the stored format on edits; a new article's format is guessed from its body.
      ...(article ? { format: article.format } : {}),
    };
    setBusy(true);
    const result = article ? await writes.updateArticle(article.id, input) : await writes.createArticle(input);
    setBusy(false);
    if (!result.ok || !result.body) {
      setMessage({ ok: false, text: result.message });
      return;
    }
    if (article) {
      setMessage({ ok: true, text: `Saved: version ${result.body.version}.` });
      router.refresh();
    } else {
      router.push(`/admin/knowledge/${result.body.id}`);
    }
  }

  async function remove() {
    if (!article || !window.confirm(`Delete “${article.title}”? Its versions stay in the history.`)) return;
    const result = await writes.deleteArticle(article.id);
    if (result.ok) router.push('/admin/knowledge');
    else setMessage({ ok: false, text: result.message });
  }

  return (
    <>
      <form className="stack article-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${idPrefix}-title`}>Title</label>
        <input id={`${idPrefix}-title`} name="title" required maxLength={300} defaultValue={article?.title} />
        <label htmlFor={`${idPrefix}-body`}>Body (Markdown, HTML or plain text)</label>
        <textarea id={`${idPrefix}-body`} name="body" required rows={12} defaultValue={article?.body} />
        <label htmlFor={`${idPrefix}-url`}>URL (optional)</label>
        <input id={`${idPrefix}-url`} name="url" type="url" defaultValue={article?.url ?? ''} />
        <label htmlFor={`${idPrefix}-tags`}>Tags (comma-separated)</label>
        <input id={`${idPrefix}-tags`} name="tags" defaultValue={article?.tags.join(', ')} />
        <label htmlFor={`${idPrefix}-language`}>Language</label>
        <input id={`${idPrefix}-language`} name="language" defaultValue={article?.language ?? 'en'} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {article ? 'Save changes' : 'Create article'}
          </button>
          {article ? (
            <button type="button" className="secondary" onClick={() => void remove()}>
              Delete article
            </button>
          ) : null}
        </div>
      </form>
      <ActionMessage message={message} />
    </>
  );
}
