import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * NUL is in no valid path or query value, and PostgreSQL text refuses it: a query such as `q=%00`
 * would otherwise fail inside the database as a 500. Refused here, for every route, with 400.
 */
export function refuseNulInUrl(request: Request, response: Response, next: NextFunction): void {
  if (/%00|\u0000/i.test(request.originalUrl)) {
    response.status(400).json({ statusCode: 400, message: 'the URL contains a NUL character' });
    return;
  }
  next();
}

/**
 * Answers 408 and closes the connection when a request body is not fully received within `timeoutMs`,
 * so a client trickling bytes cannot hold a connection and a parser for Node's default 5 minutes.
 */
export function bodyReadTimeout(timeoutMs: number): RequestHandler {
  return (request, response, next) => {
    if (request.complete) return next();
    const timer = setTimeout(() => {
      if (request.complete || response.headersSent) return;
      response
        .status(408)
        .set('Connection', 'close')
        .json({ statusCode: 408, message: `the request body did not arrive within ${timeoutMs} ms` });
    }, timeoutMs);
    const stop = () => clearTimeout(timer);
    request.once('end', stop);
    request.once('close', stop);
    response.once('close', stop);
    next();
  };
}
