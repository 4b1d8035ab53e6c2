/**
 * @module Whether the OTEL_* environment asks a dims process for OpenTelemetry export. Kept apart from the SDK
 * (src/shared/otel.ts) so a process that exports nothing never loads it: the Node SDK and its exporters are
 * about two thousand modules, most of an agent's code.
 */

/** The variables that ask for telemetry to be exported. */
const WANTED = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
];

/** True when an exporter variable is set and OTEL_SDK_DISABLED is not true. */
export function otelRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return WANTED.some((k) => env[k]?.trim());
}
