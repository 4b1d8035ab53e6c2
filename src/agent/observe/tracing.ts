/**
 * @module OpenTelemetry traces of each scrape round and each record. Without `tracing` in the agent config the
 * spans go to the process's global tracer provider, which the OTEL_* environment configures through the
 * Node SDK (src/shared/otel.ts; a no-op when unset). With it, the agent gets a provider of its own.
 */
import { trace, type Tracer } from '@opentelemetry/api';

export interface AgentTracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/** The global tracer, or with `cfg` a provider of the agent's own (its SDK modules loaded only then). */
export async function setupTracing(
  center: string,
  cfg?: { endpoint: string; serviceName: string },
): Promise<AgentTracing> {
  if (!cfg) return { tracer: trace.getTracer('dims-agent'), shutdown: async () => {} };
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName, 'dims.center': center }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.endpoint }), { scheduledDelayMillis: 1000 }),
    ],
  });
  return { tracer: provider.getTracer('dims-agent'), shutdown: () => provider.shutdown() };
}
