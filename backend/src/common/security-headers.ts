import type { NextFunction, Request, Response } from 'express';

/** Swagger UI is a page with its own scripts and styles; everything else the API serves is data. */
const DOCS_PATH = /^\/api\/docs(\/|$)/;
const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Headers on every API answer: nothing may frame it, sniff it into another type or leak its address,
 * and no browser or proxy keeps a copy (answers carry customer mail and drafts). HSTS once the UI
 * is served over https, because the API then sits behind the same TLS front.
 */
export function securityHeaders(publicUiUrl: string) {
  const https = publicUiUrl.startsWith('https:');
  return (request: Request, response: Response, next: NextFunction): void => {
    response.set({
      'Content-Security-Policy': DOCS_PATH.test(request.path) ? DOCS_POLICY : DATA_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    if (https) response.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
