import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';

/** What every log line and span of one request or job carries. Never message content. */
export interface WorkContext {
  requestId?: string;
  jobId?: string;
  eventId?: string;
  runId?: string;
  /** The active OpenTelemetry context; kept here so we need no global context manager. */
  trace?: Context;
}

const storage = new AsyncLocalStorage<WorkContext>();

/** Runs `work` with its own context, inheriting what the caller already knows. */
export function withWorkContext<T>(fields: WorkContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, work);
}

/** Adds ids learnt part-way through (e.g. the run id once the event is stored). */
export function addToWorkContext(fields: Omit<WorkContext, 'trace'>): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

export function currentWorkContext(): WorkContext | undefined {
  return storage.getStore();
}
