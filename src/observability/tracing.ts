import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { setTracingOn } from '../common/tracing.js';
import type { AppConfig } from '../config/app-config.js';

/** A running tracer provider; `shutdown` exports what is still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing, when configured: OTLP over HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` below it),
 * or spans printed to stdout (`OTEL_TRACES_EXPORTER=console`). It registers the process's tracer provider, the
 * AsyncLocalStorage context manager and the W3C trace-context propagator, then switches Docket's spans on: the HTTP
 * request, the decision, the append, each projection batch and each feed delivery (see common/tracing.ts). Off, it
 * registers nothing and no span is started. `exporter` replaces the configured one (the tests' in-memory exporter).
 */
export function startTracing(config: Pick<AppConfig, 'tracing'>, exporter?: SpanExporter): Tracing | null {
  if (!config.tracing && !exporter) return null;
  const serviceName = config.tracing?.serviceName ?? 'docket';
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : config.tracing!.exporter === 'otlp'
      ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.tracing!.endpoint.replace(/\/+$/, '')}/v1/traces` }))
      : new SimpleSpanProcessor(new ConsoleSpanExporter());
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: [processor] });
  provider.register();
  setTracingOn(true);
  return {
    async shutdown() {
      setTracingOn(false);
      await provider.shutdown();
    },
  };
}
