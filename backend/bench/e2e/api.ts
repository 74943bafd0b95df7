import { performance } from 'node:perf_hooks';
import type { BenchEmail } from './emails';

/** The service's HTTP API as the bench uses it, with the admin API key. */
export class BenchApi {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
  ) {}

  private headers(json: boolean): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  /** POST /api/v1/events/email; resolves with the round trip in ms (body read included). */
  async ingest(email: BenchEmail, signal?: AbortSignal): Promise<{ status: number; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${this.url}/api/v1/events/email`, {
      method: 'POST',
      headers: this.headers(true),
      body: JSON.stringify(email),
      signal,
    });
    const body = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${body.slice(0, 200)}`);
    return { status: response.status, ms };
  }

  /** Approves a review; false when it was already decided (409). */
  async approve(reviewId: string, signal?: AbortSignal): Promise<boolean> {
    const response = await fetch(`${this.url}/api/v1/reviews/${reviewId}/decision`, {
      method: 'POST',
      headers: this.headers(true),
      body: JSON.stringify({ action: 'approve' }),
      signal,
    });
    const body = await response.text();
    if (response.status === 409) return false;
    if (response.status !== 200) throw new Error(`approve answered ${response.status}: ${body.slice(0, 200)}`);
    return true;
  }

  async pendingReviewIds(signal?: AbortSignal): Promise<string[]> {
    const response = await fetch(`${this.url}/api/v1/reviews?status=pending&limit=200`, {
      headers: this.headers(false),
      signal,
    });
    if (response.status !== 200) throw new Error(`the queue page answered ${response.status}`);
    const body = (await response.json()) as { items: { id: string }[] };
    return body.items.map((item) => item.id);
  }

  /** One GET for the liveness probes: status and round trip, bounded by `timeoutMs`. */
  async probe(path: string, timeoutMs: number): Promise<{ ok: boolean; ms: number }> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.url}${path}`, {
        headers: this.headers(false),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return { ok: response.status === 200, ms: performance.now() - started };
    } catch {
      return { ok: false, ms: performance.now() - started };
    }
  }

  /** Opens the review event stream (server-sent events), calls `onOpen` once connected and `onEvent` per event until aborted. */
  async streamReviews(
    onEvent: (type: string, data: { reviewId: string }) => void,
    onOpen: () => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await fetch(`${this.url}/api/v1/reviews/stream`, { headers: this.headers(false), signal });
    if (response.status !== 200 || !response.body) throw new Error(`the review stream answered ${response.status}`);
    onOpen();
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const type = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (type && data) onEvent(type, JSON.parse(data) as { reviewId: string });
      }
    }
  }
}
