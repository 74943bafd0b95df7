'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { Reviewer } from '@handoff/graphs/contracts';
import { callApi, formatDate } from '../lib/browser';

interface Claim {
  reviewerId: string;
  reviewerName: string;
  until: string;
}

/** Who holds the review; claim, release, and (admins) reassign. */
export function ClaimControls({
  reviewId,
  claim,
  meId,
  reviewers,
}: {
  reviewId: string;
  claim: Claim | null;
  meId: string;
  reviewers: Reviewer[] | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [assignee, setAssignee] = useState(claim?.reviewerId ?? '');
  const path = `/reviews/${encodeURIComponent(reviewId)}`;

  async function act(method: string, suffix: string, body?: unknown) {
    setError(null);
    const result = await callApi<{ claim: Claim | null }>(method, `${path}${suffix}`, body);
    if (!result.ok) setError(result.status === 409 ? `Someone else holds this review. ${result.message}` : result.message);
    router.refresh();
  }

  return (
    <div className="claim">
      <p role="status">
        {claim
          ? claim.reviewerId === meId
            ? `You hold this review until ${formatDate(claim.until)}.`
            : `${claim.reviewerName} holds this review until ${formatDate(claim.until)}.`
          : 'Nobody holds this review.'}
      </p>
      <div className="actions">
        {!claim ? (
          <button type="button" className="secondary" onClick={() => void act('POST', '/claim')}>
            Claim
          </button>
        ) : null}
        {claim?.reviewerId === meId ? (
          <button type="button" className="secondary" onClick={() => void act('DELETE', '/claim')}>
            Release
          </button>
        ) : null}
      </div>
      {reviewers ? (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void act('POST', '/assign', { reviewerId: assignee });
          }}
        >
          <label>
            Assign to
            <select value={assignee} onChange={(event) => setAssignee(event.target.value)} required>
              <option value="" disabled>
                Choose a reviewer
              </option>
              {reviewers
                .filter((r) => !r.disabled)
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} ({r.email})
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" className="secondary">
            Assign
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
