const CONNECTION_LOST =
  /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|timeout exceeded when trying to connect|Connection is closed/i;
// PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart).
const UNAVAILABLE_SQLSTATE = /^(08|57P)/;

// TypeORM's error for a transaction whose connection was dropped under it (e.g. PostgreSQL shutting down).
const RELEASED_RUNNER = 'QueryRunnerAlreadyReleasedError';

/** A dependency (PostgreSQL) is unreachable: the request is fine, it just cannot be stored now. */
export function isDependencyUnavailable(error: unknown): boolean {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown }; message?: unknown; name?: unknown };
  const code = candidate?.driverError?.code ?? candidate?.code;
  if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
  if (candidate?.name === RELEASED_RUNNER) return true;
  return typeof candidate?.message === 'string' && CONNECTION_LOST.test(candidate.message);
}

/**
 * Runs a bookkeeping write until the database takes it. For facts we already
 * know (the SMTP server accepted a reply), losing the write would turn a sent
 * reply into an unknown one, so we wait out a database outage in process.
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>, giveUpAfterMs = 10 * 60_000): Promise<T> {
  const deadline = Date.now() + giveUpAfterMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (!isDependencyUnavailable(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
