'use client';

import { useEffect, useState } from 'react';
import { emailDocument } from '../lib/sanitize-email';

/** The email's HTML, sanitised in the reviewer's browser and shown in a sandbox that runs nothing. */
export function EmailHtml({ untrustedHtml }: { untrustedHtml: string }) {
  const [allowRemote, setAllowRemote] = useState(false);
  const [doc, setDoc] = useState<{ html: string; blockedImages: number } | null>(null);

  useEffect(() => {
    setDoc(emailDocument(untrustedHtml, allowRemote));
  }, [untrustedHtml, allowRemote]);

  return (
    <div className="email-html">
      {doc ? (
        <iframe
          // No allow-scripts, no allow-same-origin: the email gets an opaque origin and cannot run code.
          sandbox=""
          srcDoc={doc.html}
          title="The email as formatted by the sender (sanitised, scripts disabled)"
          referrerPolicy="no-referrer"
          loading="lazy"
        />
      ) : (
        <p className="muted">Preparing the formatted view…</p>
      )}
      <p className="muted">
        {allowRemote
          ? 'Remote images over HTTPS are shown. The sender can see that the email was opened.'
          : 'Remote images are blocked so the sender cannot tell the email was opened.'}{' '}
        <button
          type="button"
          className="secondary"
          onClick={() => setAllowRemote((value) => !value)}
          aria-pressed={allowRemote}
        >
          {allowRemote ? 'Block remote images' : 'Load remote images'}
        </button>
      </p>
    </div>
  );
}
