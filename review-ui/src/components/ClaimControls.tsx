'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { Claim, ClaimResponse, Reviewer } from '@handoff/contracts';
import { formatDate, writes, type ApiResult } from '../lib/browser';

type ClaimAction = 'claim' | 'release' | 'assign';

/** What went wrong, in words: the reviewer list and the viewer's role can change while the page is open. */
function explain(action: ClaimAction, { status, message, conflict }: ApiResult<ClaimResponse>): string {
  // A 409 names the holder when someone else holds the review; without one, the review was decided.
  if (status === 409)
    return conflict?.claim
      ? `Someone else holds this review. ${message}`
      : 'This review is no longer waiting for a decision.';
  if (action === 'assign' && status === 404)
    return 'That reviewer no longer exists or is disabled. Choose someone else.';
  if (action === 'assign' && status === 403) return 'Only admins can assign reviews.';
  return message;
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

  async function act(action: ClaimAction) {
    setError(null);
    const result =
      action === 'assign' ? await writes.assign(reviewId, { reviewerId: assignee }) : await writes[action](reviewId);
    if (!result.ok) setError(explain(action, result));
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
          <button type="button" className="secondary" onClick={() => void act('claim')}>
            Claim
          </button>
        ) : null}
        {claim?.reviewerId === meId ? (
          <button type="button" className="secondary" onClick={() => void act('release')}>
            Release
          </button>
        ) : null}
      </div>
      {reviewers ? (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void act('assign');
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
