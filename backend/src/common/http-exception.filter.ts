import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDependencyUnavailable } from './dependency-errors';
import { DomainError, TooManyRequestsError, type DomainErrorKind } from './domain-errors';

/** Each domain error's status and the `error` text Nest's own exceptions put in the body. */
const DOMAIN_STATUS: Record<DomainErrorKind, { status: number; error: string }> = {
  invalid_input: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
  unauthenticated: { status: HttpStatus.UNAUTHORIZED, error: 'Unauthorized' },
  forbidden: { status: HttpStatus.FORBIDDEN, error: 'Forbidden' },
  not_found: { status: HttpStatus.NOT_FOUND, error: 'Not Found' },
  not_acceptable: { status: HttpStatus.NOT_ACCEPTABLE, error: 'Not Acceptable' },
  conflict: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  too_large: { status: HttpStatus.PAYLOAD_TOO_LARGE, error: 'Payload Too Large' },
  unsupported_media_type: { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, error: 'Unsupported Media Type' },
  unprocessable: { status: HttpStatus.UNPROCESSABLE_ENTITY, error: 'Unprocessable Entity' },
  too_many_requests: { status: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests' },
  unavailable: { status: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable' },
};

/** Errors from Express' body parsers carry an HTTP status of their own (400 bad JSON, 413 too large, 415 charset). */
function bodyParserStatus(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; expose?: unknown; type?: unknown };
  return typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose
    ? candidate.status
    : undefined;
}

const RETRY_AFTER_SECONDS = 5;
/**
 * The one place errors become responses: domain errors and client mistakes keep their 4xx and message,
 * an unreachable database is a 503 with Retry-After, anything else is a 500 with no detail. Stack traces go to the log, never to the caller.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Already answered (e.g. 408 for a body that stopped arriving); the parser's late error has nowhere to go.
    if (response.headersSent) return;
    if (error instanceof DomainError) {
      const { status, error: name } = DOMAIN_STATUS[error.kind];
      if (error instanceof TooManyRequestsError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      response
        .status(status)
        .json({ statusCode: status, message: error.message, ...(error.details ?? { error: name }) });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      response
        .status(status)
        .json(typeof body === 'string' ? { statusCode: status, message: body } : { statusCode: status, ...body });
      return;
    }
    const clientStatus = bodyParserStatus(error);
    if (clientStatus) {
      const message =
        clientStatus === HttpStatus.PAYLOAD_TOO_LARGE
          ? 'request body is larger than the limit'
          : (error as Error).message;
      response.status(clientStatus).json({ statusCode: clientStatus, message });
      return;
    }
    if (isDependencyUnavailable(error)) {
      // Refuse rather than accept what we cannot store; senders retry after the hint.
      this.logger.warn(`dependency unavailable: ${(error as Error).message}`);
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      response
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .json({ statusCode: 503, message: 'temporarily unavailable, retry later' });
      return;
    }
    this.logger.error((error as Error)?.stack ?? String(error));
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, message: 'internal error' });
  }
}
