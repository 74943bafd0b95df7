'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** Refreshes the item page when this review changes elsewhere (decided in Slack, new draft, claim). */
export function ReviewLive({ reviewId, waiting }: { reviewId: string; waiting: boolean }) {
  const router = useRouter();
  useEffect(() => {
    const source = new EventSource('/api/v1/reviews/stream');
    const onEvent = (event: MessageEvent<string>) => {
      try {
        const data = JSON.parse(event.data) as { reviewId?: string };
        if (data.reviewId === reviewId) router.refresh();
      } catch {
        // ignore malformed events
      }
    };
    for (const type of ['review.opened', 'review.decided', 'review.claimed', 'review.released', 'review.superseded']) {
      source.addEventListener(type, onEvent);
    }
    // While a redraft is being written, also poll: the draft must show up even if an event is missed.
    const poll = waiting ? setInterval(() => router.refresh(), 2000) : undefined;
    return () => {
      source.close();
      clearInterval(poll);
    };
  }, [reviewId, waiting, router]);
  return null;
}
