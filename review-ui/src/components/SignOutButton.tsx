'use client';

import { writes } from '../lib/browser';

export function SignOutButton() {
  async function signOut() {
    await writes.logout();
    window.location.assign('/sign-in');
  }
  return (
    <button type="button" className="link-button" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}
