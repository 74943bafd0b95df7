'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { writes } from '../lib/browser';

interface Props {
  reviewId: string;
  current: string;
  categories: string[];
}

/**
 * "Wrong category?": names the message's real category. The reply is redrafted for it (not counted as a
 * redraft) and this review comes back with the new draft; the correction also teaches the auto-send gate.
 */
export function CategoryCorrection({ reviewId, current, categories }: Props) {
  const router = useRouter();
  const others = categories.filter((key) => key !== current);
  const [category, setCategory] = useState(others[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (busy || !category) return;
    setBusy(true);
    const result = await writes.correctCategory(reviewId, { category });
    setBusy(false);
    if (!result.ok) {
      setMessage({
        kind: 'error',
        text: result.status === 409 ? 'Someone already decided this review.' : result.message,
      });
      return;
    }
    setMessage({ kind: 'done', text: `Category corrected to ${category}. The new draft will appear on this page.` });
    router.refresh();
  }

  if (others.length === 0) return null;
  return (
    <form
      className="category-correction"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="category-correction-heading"
    >
      <h3 id="category-correction-heading">Wrong category?</h3>
      <label htmlFor="corrected-category">Correct category</label>{' '}
      <select
        id="corrected-category"
        value={category}
        onChange={(event) => setCategory(event.target.value)}
        disabled={busy || message?.kind === 'done'}
      >
        {others.map((key) => (
          <option key={key} value={key}>
            {key.replaceAll('_', ' ')}
          </option>
        ))}
      </select>{' '}
      <button type="submit" disabled={busy || message?.kind === 'done'}>
        Correct and redraft
      </button>
      {message ? (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'error' : 'notice'}
        >
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
