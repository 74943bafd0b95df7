/**
 * Security headers of the review UI. Pages get a per-request nonce policy: only Next's own scripts,
 * stamped with the nonce, and what they load ('strict-dynamic') may run. Styles stay 'unsafe-inline'
 * and images may come over https because the email view is a srcdoc iframe, which inherits this
 * policy: the sender's inline CSS, and remote images once the reviewer asks for them, live there
 * (that iframe runs no script and carries its own narrower policy).
 */

const HSTS = 'max-age=31536000; includeSubDomains';

/** For every answer: pages, assets and the API proxy. */
export function commonSecurityHeaders(publicUiUrl: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    ...(publicUiUrl.startsWith('https:') ? { 'Strict-Transport-Security': HSTS } : {}),
  };
}

export function pagePolicy(nonce: string, publicUiUrl: string, development: boolean): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(publicUiUrl.startsWith('https:') ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** The API proxy answers with data only. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A fresh, unguessable nonce for one page answer. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}
