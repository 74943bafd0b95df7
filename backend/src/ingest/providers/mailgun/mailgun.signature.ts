import { createHmac } from 'node:crypto';
import { InvalidInputError, UnauthenticatedError } from '../../../common/domain-errors';
import { secretsEqual } from '../shared-secret';

/** How old a signed request may be; tokens are remembered for longer, so a stale replay is refused either way. */
export const MAILGUN_MAX_AGE_MS = 15 * 60 * 1000;
export const MAILGUN_TOKEN_RETENTION_MS = 2 * MAILGUN_MAX_AGE_MS;

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** Mailgun signs `timestamp + token` with HMAC-SHA256 under the HTTP webhook signing key (hex digest). */
export function signMailgun(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
}

/** Throws 401 for a missing, wrong or stale signature. The caller refuses a reused token. */
export function verifyMailgun(
  signingKey: string,
  fields: Partial<MailgunSignature>,
  now = Date.now(),
): MailgunSignature {
  const { timestamp, token, signature } = fields;
  if (!timestamp || !token || !signature) throw new UnauthenticatedError('timestamp, token and signature are required');
  if (!/^\d{1,12}$/.test(timestamp) || !/^[\x21-\x7e]{1,200}$/.test(token))
    throw new InvalidInputError('malformed timestamp or token');
  if (!secretsEqual(signature, signMailgun(signingKey, timestamp, token))) {
    throw new UnauthenticatedError('signature does not match');
  }
  if (Math.abs(now - Number(timestamp) * 1000) > MAILGUN_MAX_AGE_MS) {
    throw new UnauthenticatedError('signature timestamp is outside the accepted window');
  }
  return { timestamp, token, signature };
}
