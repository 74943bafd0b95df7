import { eventually, TEST_API_KEY, TEST_UI_ORIGIN } from './test-service';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin HTTP client for the tests: real requests, JSON in and out. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | null = TEST_API_KEY,
    /** Sent with every request, e.g. a session cookie and the UI's Origin. */
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  /** Signs in like the review UI does; the client then sends the session cookie and the UI's Origin. */
  static async signIn(baseUrl: string, email: string, password: string, origin = TEST_UI_ORIGIN): Promise<ApiClient> {
    const response = await new ApiClient(baseUrl, null, { origin }).post('/api/v1/auth/login', { email, password });
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (response.status !== 200 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
    return new ApiClient(baseUrl, null, { cookie, origin });
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...this.defaultHeaders,
        ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isRaw ? (body as string) : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Waits until the run reaches one of `statuses`; returns its details. */
  async waitForRun(runId: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
    let last: any;
    try {
      return await eventually(
        async () => {
          last = (await this.get(`/api/v1/runs/${runId}`)).body;
          return statuses.includes(last?.status) ? last : undefined;
        },
        `run ${runId}`,
        timeoutMs,
      );
    } catch {
      throw new Error(
        `run ${runId} did not reach ${statuses.join('|')} (last: ${JSON.stringify(last?.status)} ${last?.error ?? ''})`,
      );
    }
  }
}
