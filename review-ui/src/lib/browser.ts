/** Browser-side calls to this UI's own /api/v1 proxy (never to the backend directly). */
export interface ApiResult<T = unknown> {
  status: number;
  ok: boolean;
  body: T | null;
  message: string;
}

export async function callApi<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      status: 0,
      ok: false,
      body: null,
      message: 'The server could not be reached. Check your connection and try again.',
    };
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const raw =
    parsed && typeof parsed === 'object' && 'message' in parsed ? (parsed as { message: unknown }).message : undefined;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : `HTTP ${response.status}`;
  return { status: response.status, ok: response.ok, body: parsed as T | null, message };
}

/** True when a key press happened while typing, so single-letter shortcuts must not fire. */
export function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
