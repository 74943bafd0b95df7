import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../common/domain-errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time string comparison, whatever the lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * HTTP basic auth for providers that do not sign their requests (they put `user:pass@` in the URL).
 * `expectedUser` undefined accepts any user name.
 */
export function requireBasicAuth(header: string | undefined, expectedUser: string | undefined, password: string): void {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const ok =
    colon >= 0 &&
    secretsEqual(decoded.slice(colon + 1), password) &&
    (expectedUser === undefined || secretsEqual(user, expectedUser));
  if (!ok) throw new UnauthenticatedError('valid basic auth credentials are required');
}
