import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from './env';
import { commonSecurityHeaders, newNonce, pagePolicy } from './lib/security-headers';

/**
 * Sets the security headers of every page and asset, with a fresh CSP nonce per request (Next reads it
 * from the request's policy and stamps its scripts with it), and passes the requested path to server
 * components (so a sign-in redirect can come back to it). Authentication itself is checked on the
 * server by every page (see requireSession), not here. The API proxy sets its own headers.
 */
export function proxy(request: NextRequest) {
  const { PUBLIC_UI_URL } = getEnv();
  const policy = pagePolicy(newNonce(), PUBLIC_UI_URL, process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set('x-handoff-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  for (const [name, value] of Object.entries(commonSecurityHeaders(PUBLIC_UI_URL))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ['/((?!api/).*)'],
};
