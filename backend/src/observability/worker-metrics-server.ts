import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { metricsAccessCheck } from './metrics-access';
import { MetricsService } from './metrics.service';

/**
 * A worker-only process has no HTTP API, but its step, LLM and delivery
 * metrics live in its memory: with METRICS_PORT set it serves GET /metrics.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.APP_ROLE !== 'worker' || this.config.METRICS_PORT === undefined) return;
    const allowed = metricsAccessCheck(this.config);
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
      } else if (!allowed(request.headers.authorization)) {
        response.writeHead(401).end();
      } else {
        this.metrics.registry.metrics().then(
          (body) => response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body),
          (error: Error) => response.writeHead(500).end(error.message),
        );
      }
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.config.METRICS_PORT, this.config.HOST, resolve));
    this.logger.log(`worker metrics on http://${this.config.HOST}:${(server.address() as AddressInfo).port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** The bound port (METRICS_PORT=0 picks a free one); undefined when not serving. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }
}
