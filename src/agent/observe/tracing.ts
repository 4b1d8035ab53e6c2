/**
 * @module OpenTelemetry traces of each scrape round and each record, exported over OTLP/HTTP only when
 * an endpoint is configured. The provider belongs to the agent and is never registered globally.
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
  if (!cfg) return { tracer: trace.getTracerProvider().getTracer('dims-agent-noop'), shutdown: async () => {} };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName, 'dims.center': center }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: cfg.endpoint }), { scheduledDelayMillis: 1000 }),
    ],
  });
  return { tracer: provider.getTracer('dims-agent'), shutdown: () => provider.shutdown() };
}
