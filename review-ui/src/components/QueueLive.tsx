'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { isTyping } from '../lib/browser';

/**
 * Keeps the queue current without a reload (server-sent events from the backend, through this
 * UI's proxy) and adds j/k navigation between rows.
 */
export function QueueLive() {
  const router = useRouter();
  const [announcement, setAnnouncement] = useState('');
  const [connected, setConnected] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const source = new EventSource('/api/v1/reviews/stream');
    const refresh = (message: string) => {
      clearTimeout(timer.current);
      // Coalesce bursts of events into one refresh.
      timer.current = setTimeout(() => {
        router.refresh();
        setAnnouncement(message);
      }, 150);
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('review.opened', () => refresh('The queue was updated: a review arrived.'));
    source.addEventListener('review.decided', () => refresh('The queue was updated: a review was decided.'));
    source.addEventListener('review.superseded', () =>
      refresh('The queue was updated: a customer wrote again and a review was closed.'),
    );
    source.addEventListener('review.claimed', () => refresh('The queue was updated.'));
    source.addEventListener('review.released', () => refresh('The queue was updated.'));
    return () => {
      clearTimeout(timer.current);
      source.close();
    };
  }, [router]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (isTyping(event) || (event.key !== 'j' && event.key !== 'k')) return;
      const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('table.queue a.row-link'));
      if (links.length === 0) return;
      const current = links.indexOf(document.activeElement as HTMLAnchorElement);
      const next = event.key === 'j' ? Math.min(current + 1, links.length - 1) : Math.max(current - 1, 0);
      event.preventDefault();
      links[current === -1 ? 0 : next]?.focus();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <p className="live muted" data-connected={connected}>
      <span role="status" aria-live="polite">
        {announcement}
      </span>{' '}
      {connected ? 'Live updates on.' : 'Connecting to live updates…'}
    </p>
  );
}
