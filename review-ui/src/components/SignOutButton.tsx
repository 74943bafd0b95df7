'use client';

import { callApi } from '../lib/browser';

export function SignOutButton() {
  async function signOut() {
    await callApi('POST', '/auth/logout');
    window.location.assign('/sign-in');
  }
  return (
    <button type="button" className="link-button" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}
