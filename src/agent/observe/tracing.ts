/**
 * @module OpenTelemetry traces of each scrape round and each record. Without `tracing` in the agent config the
 * spans go to the process's global tracer provider, which the OTEL_* environment configures through the
 * Node SDK (src/shared/otel.ts; a no-op when unset). With it, the agent gets a provider of its own.
 */
import { trace, type Tracer } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

export interface AgentTracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

export function setupTracing(center: string, cfg?: { endpoint: string; serviceName: string }): AgentTracing {
  if (!cfg) return { tracer: trace.getTracer('dims-agent'), shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName, 'dims.center': center }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.endpoint }), { scheduledDelayMillis: 1000 }),
    ],
  });
  return { tracer: provider.getTracer('dims-agent'), shutdown: () => provider.shutdown() };
}
