'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import type { Article } from '@handoff/contracts';
import { writes } from '../lib/browser';

/** Comma-separated tags as typed, trimmed, empty ones left out. */
export const parseTags = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/**
 * "Save as article" on a review whose reply was approved or edited: shown to admins and to the reviewer
 * who approved it (the backend enforces the same rule and answers 409 for anything not approved).
 */
export function SaveAsArticle({ reviewId, defaultTitle }: { reviewId: string; defaultTitle: string }) {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string; article?: Article } | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    const result = await writes.saveAsArticle(reviewId, {
      title: String(data.get('title') ?? ''),
      tags: parseTags(String(data.get('tags') ?? '')),
    });
    setBusy(false);
    setOutcome(
      result.ok && result.body
        ? { ok: true, text: `Saved as article “${result.body.title}”.`, article: result.body }
        : { ok: false, text: result.message },
    );
  }

  return (
    <section aria-labelledby="save-article-heading">
      <h3 id="save-article-heading">Save the reply as a knowledge article</h3>
      <p className="muted">Later drafts can then answer from it and cite it.</p>
      <form className="stack narrow" onSubmit={(event) => void save(event)}>
        <label>
          Article title
          <input name="title" required maxLength={300} defaultValue={defaultTitle} />
        </label>
        <label>
          Tags (comma-separated)
          <input name="tags" />
        </label>
        <button type="submit" disabled={busy || outcome?.ok === true}>
          Save as article
        </button>
      </form>
      {outcome ? (
        <p className={outcome.ok ? 'ok' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text} {outcome.article ? <Link href={`/admin/knowledge/${outcome.article.id}`}>Open it</Link> : null}
        </p>
      ) : null}
    </section>
  );
}
