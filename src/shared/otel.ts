/**
 * @module OpenTelemetry for a dims process (`dims hub`, `dims agent`, `npm start`): the Node SDK, configured by
 * the standard OTEL_* environment variables and nothing else. Traces of the hub and agent go wherever
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) points, with OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and OTEL_EXPORTER_OTLP_PROTOCOL honoured by the SDK itself;
 * the metrics the process serves at /metrics also go out over OTLP (OTEL_METRICS_EXPORTER=none turns that
 * off; OTEL_METRIC_EXPORT_INTERVAL sets the period).
 *
 * Without any of those variables nothing starts: no exporter sends to a default address nobody configured.
 * OTEL_SDK_DISABLED=true also keeps it off.
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { promRegistriesProducer } from './prom-otlp.ts';
import { otelRequested } from './otel-env.ts';

export interface OpenTelemetry {
  /** Flushes and stops the exporters (call once the process's work is done). */
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK when the environment asks for it; `serviceName` is used only when neither OTEL_SERVICE_NAME
 * nor a service.name in OTEL_RESOURCE_ATTRIBUTES names the service.
 */
export function startOpenTelemetry(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): OpenTelemetry | undefined {
  if (!otelRequested(env)) return undefined;
  const named = !!env.OTEL_SERVICE_NAME?.trim() || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const sdk = new NodeSDK({
    ...(named ? {} : { serviceName }),
    metricReaders: metricReaders(env),
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** One periodic OTLP reader that exports the process's prom-client registries, unless metrics are off. */
function metricReaders(env: NodeJS.ProcessEnv): PeriodicExportingMetricReader[] {
  const exporters = (env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((s) => s.trim());
  if (exporters.includes('none') || !exporters.includes('otlp')) return [];
  const intervalMs = positive(env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000;
  return [
    new PeriodicExportingMetricReader({
      exporter: metricExporter(env),
      exportIntervalMillis: intervalMs,
      exportTimeoutMillis: Math.min(positive(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? 30_000, intervalMs),
      metricProducers: [promRegistriesProducer],
    }),
  ];
}

function metricExporter(env: NodeJS.ProcessEnv): PushMetricExporter {
  const protocol =
    (env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim() || 'http/protobuf';
  if (protocol === 'http/json') return new JsonMetricExporter();
  if (protocol === 'grpc') return new GrpcMetricExporter();
  return new ProtoMetricExporter();
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
