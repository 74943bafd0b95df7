import type { LoggerService, LogLevel } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { currentWorkContext } from './context';

/**
 * Secrets and message content never reach the logs, wherever they appear in a
 * logged object: credentials, and the text, html and draft of an email or reply.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'apiKey',
  'password',
  'text',
  'html',
  'body',
  'draft',
  'finalText',
  'headers',
].flatMap((key) => [key, `*.${key}`]);

/** Nest log levels in increasing severity, with their pino equivalents. */
const LEVELS: [LogLevel, Level][] = [
  ['verbose', 'trace'],
  ['debug', 'debug'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['fatal', 'fatal'],
];

export interface LoggerOptions {
  /** Minimum level; Nest's level lists (as the tests pass) map to their lowest entry. */
  level: Level | 'silent' | LogLevel[];
  /** Where JSON lines go; stdout by default. Tests pass a stream to capture them. */
  destination?: DestinationStream;
}

function pinoLevel(level: LoggerOptions['level']): Level | 'silent' {
  if (!Array.isArray(level)) return level;
  return LEVELS.find(([nest]) => level.includes(nest))?.[1] ?? 'silent';
}

/** JSON logs; every line made while handling a request or job carries its ids. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: pinoLevel(options.level),
      base: { service: 'handoff' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin() {
        const { trace: traceContext, ...ids } = currentWorkContext() ?? {};
        const span = traceContext && trace.getSpanContext(traceContext);
        return span && isSpanContextValid(span) ? { ...ids, traceId: span.traceId, spanId: span.spanId } : ids;
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Lets Nest (and every `new Logger(...)` in the code) write through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context name last, and for errors a stack before it. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
