/** Reads a server-sent event stream over real HTTP and collects its events. */
export class EventStreamReader {
  readonly events: { type: string; data: any }[] = [];
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** Resolves once the response headers are in, with the status. */
  async open(): Promise<number> {
    const response = await fetch(this.url, { headers: this.headers, signal: this.abort.signal });
    if (!response.ok || !response.body) return response.status;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.done = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (type && data) this.events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted by close()
      }
    })();
    return response.status;
  }

  /** Waits until an event matching `match` has arrived. */
  async waitFor(match: (event: { type: string; data: any }) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no matching event in ${JSON.stringify(this.events)}`);
  }

  /** Whether the server ended the stream within `timeoutMs`. */
  async ended(timeoutMs: number): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([this.done!.then(() => true), timeout]);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
