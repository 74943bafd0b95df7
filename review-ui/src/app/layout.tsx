import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '../components/SignOutButton';
import { getSession } from '../lib/api';
import './globals.css';

export const metadata: Metadata = {
  title: 'Handoff review',
  description: 'Review AI-drafted replies before they are sent.',
};

export default async function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  const reviewer = await getSession();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <p className="brand">
            <Link href="/queue">Handoff</Link>
          </p>
          {reviewer ? (
            <nav aria-label="Main">
              <ul>
                <li>
                  <Link href="/queue">Queue</Link>
                </li>
                <li>
                  <Link href="/history">History</Link>
                </li>
                <li>
                  <Link href="/overview">Overview</Link>
                </li>
                <li>
                  <Link href="/autopilot">Autopilot</Link>
                </li>
                <li>
                  <Link href="/models">Models</Link>
                </li>
                {reviewer.role === 'admin' ? (
                  <>
                    <li>
                      <Link href="/admin">Reviewers</Link>
                    </li>
                    <li>
                      <Link href="/deliveries">Deliveries</Link>
                    </li>
                  </>
                ) : null}
                {reviewer.role === 'admin' ? (
                  <li>
                    <Link href="/admin/knowledge">Knowledge</Link>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          {reviewer ? (
            <p className="who">
              <span>
                Signed in as <strong>{reviewer.name}</strong>
              </span>{' '}
              <SignOutButton />
            </p>
          ) : null}
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}
