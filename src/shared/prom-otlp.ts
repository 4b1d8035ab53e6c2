/**
 * @module The process's prom-client registries as an OpenTelemetry MetricProducer, so the metrics a hub or
 * an agent serves at /metrics can also go out over OTLP with the same names, labels and values.
 *
 * Counters become monotonic cumulative sums, gauges gauges, histograms explicit-bucket histograms (the
 * cumulative `le` buckets turned into per-bucket counts). Summaries have no OTLP equivalent and are left out.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { exportedRegistries } from './prom-registries.ts';

const startTime = hrTime(Date.now());

/** Reads every registered registry at each collection. */
export const promRegistriesProducer: MetricProducer = {
  async collect(): Promise<CollectionResult> {
    const now = hrTime(Date.now());
    const metrics: MetricData[] = [];
    for (const registry of exportedRegistries)
      for (const m of await registry.getMetricsAsJSON()) {
        const data = toMetricData(m as unknown as PromMetric, now);
        if (data) metrics.push(data);
      }
    return {
      // The reader keeps the SDK's resource; this one is only the required shape.
      resourceMetrics: { resource: resourceFromAttributes({}), scopeMetrics: [{ scope: { name: 'dims' }, metrics }] },
      errors: [],
    };
  },
};

interface PromMetric {
  name: string;
  help: string;
  type: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

function hrTime(ms: number): HrTime {
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

function toMetricData(m: PromMetric, now: HrTime): MetricData | undefined {
  const descriptor = { name: m.name, description: m.help, unit: '', valueType: ValueType.DOUBLE };
  const point = <T>(value: T, attributes: Attributes) => ({ startTime, endTime: now, attributes, value });
  if (m.type === 'counter')
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: m.values.map((v) => point(v.value, v.labels)),
    };
  if (m.type === 'gauge')
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: m.values.map((v) => point(v.value, v.labels)),
    };
  if (m.type === 'histogram')
    return {
      descriptor,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: histogramPoints(m).map((h) => point(h.value, h.attributes)),
    };
  return undefined;
}

/** Groups a histogram's _bucket, _sum and _count samples by their labels (without `le`). */
function histogramPoints(m: PromMetric) {
  const series = new Map<string, { attributes: Attributes; le: Array<[number, number]>; sum: number; count: number }>();
  for (const v of m.values) {
    const { le, ...labels } = v.labels;
    const key = JSON.stringify(Object.entries(labels).sort());
    let s = series.get(key);
    if (!s) series.set(key, (s = { attributes: labels, le: [], sum: 0, count: 0 }));
    if (v.metricName?.endsWith('_bucket')) s.le.push([le === '+Inf' ? Infinity : Number(le), v.value]);
    else if (v.metricName?.endsWith('_sum')) s.sum = v.value;
    else if (v.metricName?.endsWith('_count')) s.count = v.value;
  }
  return [...series.values()].map((s) => {
    s.le.sort((a, b) => a[0] - b[0]);
    const boundaries = s.le.filter(([b]) => Number.isFinite(b)).map(([b]) => b);
    // Prometheus buckets are cumulative; OTLP counts each bucket on its own (the last one is +Inf).
    const counts = s.le.map(([, c], i) => c - (i > 0 ? s.le[i - 1]![1] : 0));
    return { attributes: s.attributes, value: { buckets: { boundaries, counts }, sum: s.sum, count: s.count } };
  });
}
