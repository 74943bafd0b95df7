import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { INestApplicationContext, Logger, LoggerService, LogLevel } from '@nestjs/common';
import type { TracerProvider } from '@opentelemetry/api';
import type { DestinationStream } from 'pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, raw, text } from 'express';
import type { Clock } from './common/clock';
import { AppModule } from './app.module';
import { securityHeaders } from './common/security-headers';
import type { AppConfig } from './config/config.schema';
import { bodyReadTimeout, refuseNulInUrl } from './common/request-hygiene';
import { createLogger, PinoNestLogger } from './observability/logger';
import { Tracing, tracerProviderFromConfig } from './observability/tracing';

const RAW_BODY_PATHS = ['/api/v1/inbound', '/api/v1/webhooks', '/api/v1/slack'];

/** The JSON parser would replace invalid UTF-8 silently; refuse it instead (400 via the error filter). */
function rejectInvalidUtf8(_request: unknown, _response: unknown, body: Buffer): void {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw Object.assign(new Error('request body is not valid UTF-8'), { status: 400, expose: true });
  }
}

export interface RunningService {
  /** Base URL of the HTTP API; undefined for a worker-only process. */
  url?: string;
  app: INestApplicationContext;
  close(): Promise<void>;
}

export interface StartOptions {
  /** A logger to use instead of pino, the Nest levels to keep, or false for none. Default: LOG_LEVEL. */
  logger?: LoggerService | LogLevel[] | false;
  /** Where the JSON log lines go (default stdout); tests capture them with a stream. */
  logDestination?: DestinationStream;
  /** Replaces the tracer provider built from the OTEL_* settings; tests pass one with an in-memory exporter. */
  tracerProvider?: TracerProvider;
  /** The time review deadlines and retention read (default: the system clock); tests pass one they advance. */
  clock?: Clock;
}

function buildLogger(config: AppConfig, options: StartOptions): LoggerService {
  if (options.logger && !Array.isArray(options.logger)) return options.logger;
  const level = options.logger === false ? 'silent' : (options.logger ?? config.LOG_LEVEL);
  return new PinoNestLogger(createLogger({ level, destination: options.logDestination }));
}

function describeApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Handoff API')
      .setDescription('Human-in-the-loop AI replies for support inboxes')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}

/** Boots the service in the configured role. Used by main.ts and by the tests. */
export async function startService(config: AppConfig, options: StartOptions = {}): Promise<RunningService> {
  // A provider we built is ours to flush and shut down; an injected one belongs to the caller.
  const ownProvider = options.tracerProvider ? undefined : tracerProviderFromConfig(config);
  const module = AppModule.register(config, new Tracing(options.tracerProvider ?? ownProvider), options.clock);
  const logger = buildLogger(config, options);
  const close = (app: INestApplicationContext) => async () => {
    await app.close();
    await ownProvider?.shutdown();
    if (logger instanceof PinoNestLogger) logger.pino.flush();
  };
  if (config.APP_ROLE === 'worker') {
    const app = await NestFactory.createApplicationContext(module, { logger });
    return { app, close: close(app) };
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false });
  app.disable('x-powered-by');
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);
  app.use(securityHeaders(config.PUBLIC_UI_URL));
  app.use(refuseNulInUrl, bodyReadTimeout(config.BODY_READ_TIMEOUT_MS));
  // Inbound channels verify signatures over the exact bytes, so they get the raw body whatever its type.
  app.use(RAW_BODY_PATHS, raw({ type: () => true, limit: config.MAX_BODY_BYTES }));
  app.use(json({ limit: config.MAX_BODY_BYTES, verify: rejectInvalidUtf8 }));
  app.use(raw({ type: 'message/rfc822', limit: config.MAX_BODY_BYTES }));
  // Knowledge-base imports are JSON Lines: one article per line.
  app.use(text({ type: ['application/x-ndjson', 'application/jsonl'], limit: config.MAX_BODY_BYTES }));
  describeApi(app);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  new Logger('Handoff').log(
    `role ${config.APP_ROLE}: API on ${url} (docs at ${url}/api/docs), LLM ${config.LLM_PROVIDER}, tracing ${ownProvider || options.tracerProvider ? 'on' : 'off'}`,
  );
  return { url, app, close: close(app) };
}
