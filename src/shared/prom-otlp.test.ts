/** @module The prom-client → OTLP producer: counters, gauges and histograms keep their names, labels and values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataPointType, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { promRegistriesProducer } from './prom-otlp.ts';
import { exportRegistry } from './prom-registries.ts';

test('a registered registry is exported with OTLP shapes; histogram buckets become per-bucket counts', async () => {
  const registry = new Registry();
  const c = new Counter({ name: 't_sent_total', help: 'sent', labelNames: ['sink'], registers: [registry] });
  const g = new Gauge({ name: 't_depth', help: 'depth', registers: [registry] });
  const h = new Histogram({ name: 't_seconds', help: 'time', buckets: [0.1, 1], registers: [registry] });
  c.inc({ sink: 'hub' }, 3);
  g.set(7);
  for (const v of [0.05, 0.5, 0.7, 5]) h.observe(v);
  const unexport = exportRegistry(registry);
  try {
    const { resourceMetrics } = await promRegistriesProducer.collect();
    const byName = new Map(resourceMetrics.scopeMetrics[0]!.metrics.map((m) => [m.descriptor.name, m]));
    const sum = byName.get('t_sent_total') as SumMetricData;
    assert.equal(sum.dataPointType, DataPointType.SUM);
    assert.equal(sum.isMonotonic, true);
    assert.deepEqual(
      sum.dataPoints.map((p) => [p.attributes, p.value]),
      [[{ sink: 'hub' }, 3]],
    );
    assert.equal(byName.get('t_depth')!.dataPointType, DataPointType.GAUGE);
    assert.equal(byName.get('t_depth')!.dataPoints[0]!.value, 7);
    const hist = byName.get('t_seconds') as HistogramMetricData;
    assert.equal(hist.dataPointType, DataPointType.HISTOGRAM);
    assert.deepEqual(hist.dataPoints[0]!.value, {
      buckets: { boundaries: [0.1, 1], counts: [1, 2, 1] },
      sum: 6.25,
      count: 4,
    });
  } finally {
    unexport();
  }
  const after = await promRegistriesProducer.collect();
  assert.equal(after.resourceMetrics.scopeMetrics[0]!.metrics.length, 0, 'removed registries are not exported');
});
