import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { AppConfig } from '../config/config.schema';
import { currentWorkContext, withWorkContext } from './context';

/** W3C trace context as carried in job data, so a worker continues the trace the API started. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

const propagator = new W3CTraceContextPropagator();

/**
 * Tracing is off unless the standard OTEL_* variables ask for it: an OTLP
 * endpoint, or OTEL_TRACES_EXPORTER=otlp|console. Returns undefined when off.
 */
export function tracerProviderFromConfig(config: AppConfig): NodeTracerProvider | undefined {
  const exporterName =
    config.OTEL_TRACES_EXPORTER ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none');
  if (exporterName === 'none') return undefined;
  // Headers and timeouts still come from the OTEL_* variables, which the exporter reads itself.
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, '');
  const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (endpoint ? `${endpoint}/v1/traces` : undefined);
  const exporter: SpanExporter =
    exporterName === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter({ url });
  return new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.OTEL_SERVICE_NAME ?? 'handoff',
      'service.instance.role': config.APP_ROLE,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}

/**
 * Spans for the path of one message: ingest, enqueue, job, graph nodes, LLM
 * calls, decision and delivery. Uses the provider it is given rather than the
 * global one, so tests can run several services with their own exporters.
 */
export class Tracing {
  private readonly tracer;

  constructor(private readonly provider?: TracerProvider) {
    this.tracer = (provider ?? trace.getTracerProvider()).getTracer('handoff');
  }

  get enabled(): boolean {
    return this.provider !== undefined;
  }

  /** The context of the current request or job, or the root. */
  current(): Context {
    return currentWorkContext()?.trace ?? ROOT_CONTEXT;
  }

  startSpan(
    name: string,
    attributes: Attributes = {},
    options: { parent?: Context; kind?: SpanKind; startTime?: Date } = {},
  ): Span {
    return this.tracer.startSpan(
      name,
      { attributes, kind: options.kind ?? SpanKind.INTERNAL, startTime: options.startTime },
      options.parent ?? this.current(),
    );
  }

  /** Runs `work` inside a new span that becomes the current context; records failures. */
  async inSpan<T>(
    name: string,
    attributes: Attributes,
    work: (span: Span) => Promise<T>,
    parent?: Context,
    kind?: SpanKind,
  ): Promise<T> {
    const span = this.startSpan(name, attributes, { parent, kind });
    const spanContext = trace.setSpan(parent ?? this.current(), span);
    try {
      return await withWorkContext({ trace: spanContext }, () => work(span));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  /** The current trace context, ready to put into a job payload. */
  inject(): TraceCarrier | undefined {
    const carrier: TraceCarrier = {};
    propagator.inject(this.current(), carrier, defaultTextMapSetter);
    return carrier.traceparent ? carrier : undefined;
  }

  extract(carrier: TraceCarrier | Record<string, unknown> | undefined): Context {
    return carrier ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;
  }
}
