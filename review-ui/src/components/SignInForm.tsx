'use client';

import { useState, type FormEvent } from 'react';
import { writes } from '../lib/browser';
import { safeNextPath } from '../lib/safe-next';

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await writes.login({
      email: String(data.get('email') ?? ''),
      password: String(data.get('password') ?? ''),
    });
    setBusy(false);
    if (result.ok) {
      // Checked again here: the prop is the server's choice, but this is where the browser leaves.
      window.location.assign(safeNextPath(next));
      return;
    }
    setError(result.status === 401 ? 'Wrong email or password, or the account is disabled.' : result.message);
  }

  return (
    <form
      method="post"
      onSubmit={(event) => void submit(event)}
      className="stack"
      aria-describedby={error ? 'sign-in-error' : undefined}
    >
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p id="sign-in-error" className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
