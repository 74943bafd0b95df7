import { Worker, type ResourceLimits } from 'node:worker_threads';

/** The task ran past its time budget; its worker was terminated. */
export class TaskTimeoutError extends Error {}

/** The worker died under the task (out of memory, a crash); a fresh one takes the next task. */
export class WorkerFailedError extends Error {}

/** What a worker posts back for each task. */
export type WorkerReply<T> = { ok: true; value: T } | { ok: false; name: string; message: string };

/** The task threw inside the worker; `name` is the error's class name there. */
export class TaskError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WorkerPoolOptions {
  size: number;
  timeoutMs: number;
  resourceLimits?: ResourceLimits;
}

interface Job {
  task: unknown;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * A fixed number of worker threads running one task at a time each, in arrival order. A task that
 * outlives its budget has its worker terminated (the only way to stop synchronous code), so no
 * input can hold a thread, let alone the event loop, for longer than `timeoutMs`.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly live = new Set<Worker>();
  private readonly queue: Job[] = [];

  constructor(
    private readonly script: string,
    private readonly options: WorkerPoolOptions,
  ) {}

  run<T>(task: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (value: never) => void, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued and running tasks fail with a plain Error (not the input's fault). */
  async close(): Promise<void> {
    const closed = new Error('the worker pool was shut down');
    for (const job of this.queue.splice(0)) job.reject(closed);
    await Promise.all([...this.live].map((worker) => this.retire(worker, closed)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.live.size < this.options.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      job.timer = setTimeout(() => {
        void this.retire(worker, new TaskTimeoutError(`task exceeded its ${this.options.timeoutMs} ms budget`));
      }, this.options.timeoutMs);
      worker.postMessage(job.task);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.script, { resourceLimits: this.options.resourceLimits });
    // Idle workers must not keep the process alive; a waiting task's timer does.
    worker.unref();
    this.live.add(worker);
    worker.on('message', (reply: WorkerReply<never>) => {
      const job = this.busy.get(worker);
      if (!job) return;
      clearTimeout(job.timer);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new TaskError(reply.name, reply.message));
      this.dispatch();
    });
    worker.on('error', (error) => void this.retire(worker, new WorkerFailedError(error.message)));
    worker.on('exit', (code) => void this.retire(worker, new WorkerFailedError(`worker exited with code ${code}`)));
    return worker;
  }

  /** Takes a worker out of service, fails its task and lets a fresh worker take the queue. */
  private async retire(worker: Worker, error: Error): Promise<void> {
    if (!this.live.delete(worker)) return;
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const idleAt = this.idle.indexOf(worker);
    if (idleAt !== -1) this.idle.splice(idleAt, 1);
    if (job) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.dispatch();
    await worker.terminate();
  }
}
