/** @module The Node SDK starts only when the OTEL_* environment asks for export, and never when disabled. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenTelemetry } from './otel.ts';

test('nothing starts without an OTLP endpoint or exporter in the environment, or with OTEL_SDK_DISABLED', async () => {
  assert.equal(startOpenTelemetry('dims-test', {}), undefined);
  assert.equal(startOpenTelemetry('dims-test', { OTEL_SERVICE_NAME: 'x' }), undefined);
  assert.equal(
    startOpenTelemetry('dims-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' }),
    undefined,
  );
  const started = startOpenTelemetry('dims-test', { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' });
  assert.ok(started, 'an explicit exporter choice starts the SDK');
  await started.shutdown();
});
