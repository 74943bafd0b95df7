import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { withWorkContext } from './context';
import { MetricsService } from './metrics.service';
import { Tracing } from './tracing';

/** Scrapes and probes are frequent and say nothing; they are neither logged nor traced. */
const QUIET = /^\/(metrics|health\/)/;

/**
 * One context per HTTP request: a request id, a server span continuing the
 * caller's traceparent, and one log line with the outcome when it finishes.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(
    @Inject(Tracing) private readonly tracing: Tracing,
    private readonly metrics: MetricsService,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const path = request.originalUrl.split('?')[0] ?? '/';
    if (QUIET.test(path)) return next();
    const started = process.hrtime.bigint();
    const span = this.tracing.startSpan(
      `HTTP ${request.method}`,
      { 'http.request.method': request.method, 'url.path': path },
      { parent: this.tracing.extract(request.headers), kind: SpanKind.SERVER },
    );
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    withWorkContext({ requestId, trace: trace.setSpan(this.tracing.extract(request.headers), span) }, () => {
      response.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // The route template (e.g. /api/v1/runs/:id), never the concrete path, keeps labels bounded.
        const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
        span.updateName(`HTTP ${request.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        this.metrics.httpRequests.observe({ method: request.method, route, status: response.statusCode }, seconds);
        this.logger.log({
          msg: 'request completed',
          method: request.method,
          route,
          status: response.statusCode,
          durationMs: Math.round(seconds * 1000),
        });
      });
      next();
    });
  }
}
