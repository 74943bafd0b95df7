import { proxyToBackend } from '../../../../lib/api';
import { getEnv } from '../../../../env';
import { API_POLICY, commonSecurityHeaders } from '../../../../lib/security-headers';

// The browser only ever talks to this origin; every /api/v1/* call is streamed to the backend.
export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path: string[] }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { path } = await params;
  const response = await proxyToBackend(request, path);
  // Also on the answers the proxy makes itself (403, 502); customer data is never stored.
  for (const [name, value] of Object.entries(commonSecurityHeaders(getEnv().PUBLIC_UI_URL))) {
    response.headers.set(name, value);
  }
  response.headers.set('content-security-policy', API_POLICY);
  if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
  return response;
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
