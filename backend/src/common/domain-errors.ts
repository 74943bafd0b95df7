/**
 * What services throw when a request cannot be done. They know nothing of HTTP:
 * the exception filter maps each kind to its status code. `details` replace the
 * default body's `error` field when a caller needs more than the message
 * (e.g. who decided first, or which fields were invalid).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export type DomainErrorKind =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'not_acceptable'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'too_many_requests'
  | 'unavailable';

/** The caller sent something malformed. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid_input';
}
/** The caller could not be identified (bad credentials or signature). */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}
/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}
/** A request we refuse for good and want the sender to stop retrying (e.g. a replayed signature). */
export class NotAcceptableError extends DomainError {
  readonly kind = 'not_acceptable';
}
/** The thing's current state does not allow this (already decided, held by someone else, a duplicate). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}
/** More than we accept in one request (body, attachments, form parts). */
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'too_large';
}
export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported_media_type';
}
/** Well-formed, but the rules say no (no draft to approve, no redrafts left, past the replay window). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
}
/** The caller must wait before trying again (e.g. a locked sign-in); answered with Retry-After. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too_many_requests';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
/** Something we depend on is down; the caller may retry later. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}

/** Whether the error is the caller's to fix (a retry of the same request gets the same answer). */
export function isClientError(error: unknown): error is DomainError {
  return error instanceof DomainError && error.kind !== 'unavailable';
}
