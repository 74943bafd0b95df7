'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { Reviewer } from '@handoff/contracts';
import { formatDate, writes } from '../lib/browser';
import { ActionMessage, type ActionOutcome } from './ActionMessage';

export function ReviewerAdmin({ reviewers, meId }: { reviewers: Reviewer[]; meId: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<ActionOutcome | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const result = await writes.createReviewer({
      email: String(data.get('email') ?? ''),
      name: String(data.get('name') ?? ''),
      password: String(data.get('password') ?? ''),
      role: data.get('role') === 'admin' ? 'admin' : 'reviewer',
    });
    if (result.ok) {
      form.reset();
      setMessage({ ok: true, text: `Created ${String(data.get('email'))}.` });
      router.refresh();
    } else {
      setMessage({ ok: false, text: result.message });
    }
  }

  async function setDisabled(reviewer: Reviewer, disabled: boolean) {
    const result = await writes.updateReviewer(reviewer.id, { disabled });
    setMessage(
      result.ok
        ? { ok: true, text: `${reviewer.email} ${disabled ? 'disabled' : 'enabled'}.` }
        : { ok: false, text: result.message },
    );
    router.refresh();
  }

  async function linkSlack(event: FormEvent<HTMLFormElement>, reviewer: Reviewer) {
    event.preventDefault();
    const slackUserId = String(new FormData(event.currentTarget).get('slackUserId') ?? '').trim() || null;
    const result = await writes.linkSlackUser(reviewer.id, { slackUserId });
    setMessage(
      result.ok
        ? {
            ok: true,
            text: `${reviewer.email} ${slackUserId ? `linked to Slack user ${slackUserId}` : 'unlinked from Slack'}.`,
          }
        : { ok: false, text: result.message },
    );
    router.refresh();
  }

  return (
    <>
      <ActionMessage message={message} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            <th scope="col">State</th>
            <th scope="col">Slack user</th>
          </tr>
        </thead>
        <tbody>
          {reviewers.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.email}</td>
              <td>{r.role}</td>
              <td>{formatDate(r.createdAt)}</td>
              <td>
                {r.disabled ? 'Disabled ' : 'Active '}
                {r.id !== meId ? (
                  <button type="button" className="secondary" onClick={() => void setDisabled(r, !r.disabled)}>
                    {r.disabled ? `Enable ${r.email}` : `Disable ${r.email}`}
                  </button>
                ) : null}
              </td>
              <td>
                {/* Empty means matched by the Slack profile email. */}
                <form className="inline" onSubmit={(event) => void linkSlack(event, r)}>
                  <input
                    name="slackUserId"
                    defaultValue={r.slackUserId ?? ''}
                    placeholder="U0123456789"
                    pattern="[UW][A-Z0-9]{6,}"
                    aria-label={`Slack user id of ${r.email}`}
                  />
                  <button type="submit" className="secondary">
                    Save
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add a reviewer</h2>
      <form className="stack narrow" onSubmit={(event) => void create(event)}>
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Initial password (at least 12 characters)
          <input name="password" type="password" minLength={12} required autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="reviewer">
            <option value="reviewer">Reviewer</option>
            <option value="admin">Administrator</option>
          </select>
        </label>
        <button type="submit">Create reviewer</button>
      </form>
    </>
  );
}
