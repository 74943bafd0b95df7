import { z } from 'zod';
import { url, type Report } from '../config/env';

export const AuthConfig = {
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters'),
  /** The first admin account, created at startup when no admin exists yet. */
  ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
  /** Where reviewers open the UI: the allowed Origin of cookie-authenticated writes; https makes the cookie Secure. */
  PUBLIC_UI_URL: url(['http', 'https']).default('http://127.0.0.1:3001'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** How often open review streams re-check their session; sign-out and disabling end them at once anyway. */
  SESSION_RECHECK_MS: z.coerce.number().int().positive().default(60_000),
  /** Failed password checks of one account within the window before it is locked. */
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  /** Failed password checks from one client address (any accounts) within the window before it is locked. */
  SIGNIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(50),
  SIGNIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** The first lock's length; each further lock of the same account or client doubles it, up to the maximum. */
  SIGNIN_LOCK_SECONDS: z.coerce.number().int().positive().default(60),
  SIGNIN_MAX_LOCK_SECONDS: z.coerce.number().int().positive().default(3600),
};

export function checkAuthConfig(
  env: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string; SIGNIN_LOCK_SECONDS: number; SIGNIN_MAX_LOCK_SECONDS: number },
  report: Report,
): void {
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    report([env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'], 'ADMIN_EMAIL and ADMIN_PASSWORD go together');
  }
  if (env.SIGNIN_MAX_LOCK_SECONDS < env.SIGNIN_LOCK_SECONDS) {
    report(['SIGNIN_MAX_LOCK_SECONDS'], 'must be at least SIGNIN_LOCK_SECONDS');
  }
}
