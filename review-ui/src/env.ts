import { z } from 'zod';

/** Settings the review UI reads from its environment. No other UI code reads settings from process.env. */
const EnvSchema = z.object({
  /** Base URL of the backend API, reached from the Next.js server (never from the browser). */
  API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .default('http://127.0.0.1:3000')
    .transform((value) => value.replace(/\/+$/, '')),
  /** The origin browsers use for this UI; the backend only accepts cookie-authenticated writes from it. */
  PUBLIC_UI_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .default('http://127.0.0.1:3001')
    .transform((value) => new URL(value).origin),
  /** Port of `next start` (read by the start script; validated here so a typo fails loudly). */
  REVIEW_UI_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
});

export type Env = z.output<typeof EnvSchema>;

let cached: Env | undefined;

/**
 * Parses the environment on first use rather than at import, so `next build` never needs
 * runtime settings and a bad value fails the request that needs it with a readable message.
 */
export function getEnv(): Env {
  if (cached) return cached;
  // Empty strings mean "unset", matching the backend's config loader.
  const present = Object.fromEntries(
    Object.entries(process.env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = EnvSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || 'env'}: ${issue.message}`);
    throw new Error(`Invalid review-ui configuration:\n${problems.join('\n')}`);
  }
  cached = result.data;
  return cached;
}

/** Called at server start: Next only logs a failing instrumentation hook and keeps serving, so exit instead. */
export function exitOnInvalidEnv(): void {
  try {
    getEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
