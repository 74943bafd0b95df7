import type { Request, Response } from 'express';

export const SSE_HEARTBEAT_MS = 15_000;

/**
 * Turns a response into a server-sent event stream. Returns `send` and `end`;
 * a comment line every 15 s keeps proxies from closing an idle stream, and
 * `onClose` runs once when either side ends it.
 */
export function openEventStream(request: Request, response: Response, onClose: () => void) {
  response.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  response.flushHeaders();
  response.write(': connected\n\n');
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
  let open = true;
  const end = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    onClose();
    response.end();
  };
  request.on('close', end);
  return {
    send: (type: string, data: unknown) => {
      if (open) response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end,
  };
}
