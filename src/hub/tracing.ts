/**
 * @module OpenTelemetry traces of ingest and engine runs. Without `telemetry.otlp_endpoint` in the hub config
 * the spans go to the process's global tracer provider, which the OTEL_* environment configures through the
 * Node SDK (src/shared/otel.ts; a no-op when unset). With it, the hub gets a provider of its own, never
 * registered globally, so tests can run several hubs.
 */
import { trace, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

export interface Tracing {
  tracer: Tracer;
  /** Flushes pending spans (call before exit and in tests). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A tracer that exports to `endpoint` (e.g. http://127.0.0.1:4318/v1/traces), or a no-op one without. */
export function setupTracing(opts: { endpoint?: string; serviceName: string; role?: string }): Tracing {
  if (!opts.endpoint) {
    return {
      tracer: trace.getTracer('dims-hub'),
      flush: async () => {},
      shutdown: async () => {},
    };
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': opts.serviceName,
      ...(opts.role ? { 'dims.hub.role': opts.role } : {}),
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.endpoint }), { scheduledDelayMillis: 1000 }),
    ],
  });
  return {
    tracer: provider.getTracer('dims-hub'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Runs `fn` in a span, recording failures; the span ends when `fn` settles. */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attrs: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: attrs }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
