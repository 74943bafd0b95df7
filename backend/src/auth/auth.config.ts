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
};

export function checkAuthConfig(env: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string }, report: Report): void {
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    report([env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'], 'ADMIN_EMAIL and ADMIN_PASSWORD go together');
  }
}
