import type { Request } from 'express';

/**
 * The address a request came from, as Express sees it (`trust proxy` decides whether X-Forwarded-For counts),
 * with IPv4-mapped IPv6 written as plain IPv4 so one client has one name.
 */
export function clientAddress(request: Request): string {
  const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
