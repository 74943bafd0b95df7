'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ResolveDeliveryRequest, UncertainDelivery } from '@handoff/contracts';
import { formatDate, writes } from '../lib/browser';
import { ActionMessage, type ActionOutcome } from './ActionMessage';

const ACTION_DONE: Record<ResolveDeliveryRequest['action'], string> = {
  resend: 'queued to be sent again',
  mark_sent: 'marked sent',
};

export function UncertainDeliveries({ deliveries }: { deliveries: UncertainDelivery[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<ActionOutcome | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function resolve(delivery: UncertainDelivery, action: ResolveDeliveryRequest['action']) {
    setBusy(delivery.id);
    const result = await writes.resolveDelivery(delivery.id, { action });
    setBusy(null);
    setMessage(
      result.ok
        ? { ok: true, text: `Reply to ${delivery.recipient} ${ACTION_DONE[action]}.` }
        : { ok: false, text: result.message },
    );
    router.refresh();
  }

  return (
    <>
      <ActionMessage message={message} />
      {deliveries.length === 0 ? (
        <p>No uncertain deliveries: every reply is accounted for.</p>
      ) : (
        <table>
          <caption>Replies whose outcome is unknown, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Recipient</th>
              <th scope="col">Subject</th>
              <th scope="col">Channel</th>
              <th scope="col">Handed over</th>
              <th scope="col">Message-ID</th>
              <th scope="col">Run</th>
              <th scope="col">Resolve</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>{delivery.recipient}</td>
                <td>{delivery.subject}</td>
                <td>{delivery.kind === 'holding' ? `${delivery.channel} (holding reply)` : delivery.channel}</td>
                <td>{formatDate(delivery.handedOverAt)}</td>
                <td>
                  <code>{delivery.messageId}</code>
                </td>
                <td>
                  <Link href={`/runs/${encodeURIComponent(delivery.runId)}`}>Run</Link>
                </td>
                <td>
                  <button
                    type="button"
                    disabled={busy === delivery.id}
                    aria-label={`Resend: reply to ${delivery.recipient}`}
                    onClick={() => void resolve(delivery, 'resend')}
                  >
                    Resend
                  </button>{' '}
                  <button
                    type="button"
                    disabled={busy === delivery.id}
                    aria-label={`Mark sent: reply to ${delivery.recipient}`}
                    onClick={() => void resolve(delivery, 'mark_sent')}
                  >
                    Mark sent
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
