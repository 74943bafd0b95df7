/** Runs once when the Next.js server starts, before it serves requests. */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is a constant Next inlines per bundle, not a setting; this branch keeps the
  // Node-only check out of the edge bundle (the app has no edge code).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { exitOnInvalidEnv } = await import('./env');
    exitOnInvalidEnv();
  }
}
