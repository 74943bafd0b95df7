import { setMaxListeners } from 'node:events';

/** The global time bound ran out: the phase in progress reports how far it got. */
export class OutOfTime extends Error {
  constructor(readonly seconds: number) {
    super(`the run did not finish within --timeout ${seconds} s`);
  }
}

/**
 * Bounds the whole run and owns everything it creates: each resource registers
 * how to remove itself, and cleanUp() removes them newest first, once, whether
 * the run finished, failed, ran out of time or was interrupted.
 */
export class RunControl {
  private readonly timeout = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly cleanups: { what: string; run: () => Promise<void> }[] = [];
  private cleaning?: Promise<void>;

  constructor(readonly timeoutSeconds: number) {
    this.timer = setTimeout(() => this.timeout.abort(new OutOfTime(timeoutSeconds)), timeoutSeconds * 1_000);
    // Every request of the run listens on this one signal: thousands at a time in ingest mode.
    setMaxListeners(0, this.timeout.signal);
  }

  /** Aborted when the time bound runs out; pass it to waits and requests. */
  get signal(): AbortSignal {
    return this.timeout.signal;
  }

  /** Throws OutOfTime once the bound has passed. */
  check(): void {
    this.timeout.signal.throwIfAborted();
  }

  /** Resolves after `ms`, or rejects with OutOfTime when the bound runs out first. */
  sleep(ms: number): Promise<void> {
    this.check();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.timeout.signal.reason as Error);
      };
      const timer = setTimeout(() => {
        this.timeout.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.timeout.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Polls `probe` every `intervalMs` until it returns true. */
  async until(probe: () => boolean | Promise<boolean>, intervalMs = 50): Promise<void> {
    while (!(await probe())) await this.sleep(intervalMs);
  }

  onCleanUp(what: string, run: () => Promise<void>): void {
    this.cleanups.push({ what, run });
  }

  cleanUp(): Promise<void> {
    this.cleaning ??= (async () => {
      clearTimeout(this.timer);
      for (const { what, run } of this.cleanups.reverse()) {
        try {
          await run();
        } catch (error) {
          console.error(`cleanup: ${what} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.cleaning;
  }
}
