import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import type { z } from 'zod';
import {
  ModelListSchema,
  ArticleListSchema,
  ArticleSchema,
  ArticleVersionListSchema,
  AuditTrailSchema,
  CalibrationHistorySchema,
  CalibrationSchema,
  HistoryPageSchema,
  OverviewSchema,
  TimeseriesSchema,
  QueuePageSchema,
  ReviewDetailSchema,
  ReviewerListSchema,
  RunDetailsSchema,
  SessionResponseSchema,
  UncertainDeliveryPageSchema,
  WorkflowDrawingSchema,
  type QueueQuery,
  type Reviewer,
} from '@handoff/contracts';
import { getEnv } from '../env';

/**
 * The only code that talks to the backend: typed reads for server components (forwarding the
 * visitor's session cookie) and the streaming proxy behind /api/v1/* for the browser.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function backendGet<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  await connection();
  const { API_URL } = getEnv();
  const cookie = (await cookies()).toString();
  const response = await fetch(`${API_URL}${path}`, {
    cache: 'no-store',
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status === 401) {
    await response.body?.cancel();
    await redirectToSignIn();
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let message = `HTTP ${response.status}`;
    try {
      const body = JSON.parse(text) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return schema.parse(await response.json());
}

async function redirectToSignIn(): Promise<never> {
  const requested = (await headers()).get('x-handoff-path');
  redirect(requested && requested !== '/' ? `/sign-in?next=${encodeURIComponent(requested)}` : '/sign-in');
}

/** The signed-in reviewer, or null when signed out. Cached per request. */
export const getSession = cache(async (): Promise<Reviewer | null> => {
  await connection();
  const { API_URL } = getEnv();
  const cookie = (await cookies()).toString();
  if (!cookie) return null;
  try {
    const response = await fetch(`${API_URL}/api/v1/auth/me`, {
      cache: 'no-store',
      headers: { accept: 'application/json', cookie },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return null;
    }
    return SessionResponseSchema.parse(await response.json()).reviewer;
  } catch {
    return null;
  }
});

/** Every page but sign-in starts here: signed-out visitors go to /sign-in, decided on the server. */
export async function requireSession(): Promise<Reviewer> {
  const reviewer = await getSession();
  if (!reviewer) return redirectToSignIn();
  return reviewer;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  queue: (q: Partial<QueueQuery>) => backendGet(`/api/v1/reviews${query(q)}`, QueuePageSchema),
  review: (id: string) => backendGet(`/api/v1/reviews/${encodeURIComponent(id)}`, ReviewDetailSchema),
  audit: (id: string) => backendGet(`/api/v1/reviews/${encodeURIComponent(id)}/audit`, AuditTrailSchema),
  history: (cursor?: string) => backendGet(`/api/v1/history${query({ limit: 50, cursor })}`, HistoryPageSchema),
  overview: (from?: string, to?: string) => backendGet(`/api/v1/stats/overview${query({ from, to })}`, OverviewSchema),
  timeseries: (from: string, to: string) =>
    backendGet(`/api/v1/stats/timeseries${query({ from, to, bucket: 'day' })}`, TimeseriesSchema),
  reviewers: () => backendGet('/api/v1/reviewers', ReviewerListSchema),
  run: (id: string) => backendGet(`/api/v1/runs/${encodeURIComponent(id)}`, RunDetailsSchema),
  calibration: () => backendGet('/api/v1/calibration', CalibrationSchema),
  calibrationHistory: () => backendGet('/api/v1/calibration/history?limit=100', CalibrationHistorySchema),
  workflowDrawing: () => backendGet('/api/v1/graphs/email-triage', WorkflowDrawingSchema),
  uncertainDeliveries: () =>
    backendGet(`/api/v1/deliveries${query({ status: 'uncertain', limit: 200 })}`, UncertainDeliveryPageSchema),
  models: () => backendGet('/api/v1/models', ModelListSchema),
  articles: (q?: string, offset?: number) =>
    backendGet(`/api/v1/knowledge/articles${query({ q, offset, limit: 50 })}`, ArticleListSchema),
  article: (id: string) => backendGet(`/api/v1/knowledge/articles/${encodeURIComponent(id)}`, ArticleSchema),
  articleVersions: (id: string) =>
    backendGet(`/api/v1/knowledge/articles/${encodeURIComponent(id)}/versions`, ArticleVersionListSchema),
};

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'trailer'];

/**
 * Forwards one browser request to the backend and streams the answer back unbuffered (SSE
 * included): method, body, cookies, Origin, status and every Set-Cookie pass through.
 */
export async function proxyToBackend(request: Request, path: string[]): Promise<Response> {
  const { API_URL, PUBLIC_UI_URL } = getEnv();
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  // The backend checks Origin too; refusing here keeps a cross-site write from reaching it at all.
  const origin = request.headers.get('origin');
  if (hasBody && origin !== null && origin !== PUBLIC_UI_URL) {
    return Response.json({ statusCode: 403, message: 'Cross-origin request refused.' }, { status: 403 });
  }
  const incoming = new URL(request.url);
  const target = `${API_URL}/api/v1/${path.map(encodeURIComponent).join('/')}${incoming.search}`;
  const forwarded = new Headers(request.headers);
  for (const name of [...HOP_BY_HOP, 'host', 'content-length', 'accept-encoding']) forwarded.delete(name);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: forwarded,
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch to send a streamed body.
      ...(hasBody ? { duplex: 'half' } : {}),
      redirect: 'manual',
      cache: 'no-store',
      signal: request.signal,
    } as RequestInit);
  } catch {
    return Response.json({ statusCode: 502, message: 'The backend is unreachable.' }, { status: 502 });
  }
  const headersOut = new Headers();
  upstream.headers.forEach((value, name) => {
    if (name === 'set-cookie' || name === 'content-encoding' || name === 'content-length') return;
    if (HOP_BY_HOP.includes(name)) return;
    headersOut.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) headersOut.append('set-cookie', cookie);
  if ((upstream.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    headersOut.set('cache-control', 'no-store, no-transform');
    headersOut.set('x-accel-buffering', 'no');
  }
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: headersOut });
}
