import { NextResponse, type NextRequest } from 'next/server';

/**
 * Passes the requested path to server components (so a sign-in redirect can come back to it).
 * Authentication itself is checked on the server by every page (see requireSession), not here.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set('x-handoff-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|_next/|favicon.ico).*)'],
};
