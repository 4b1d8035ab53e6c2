/**
 * @module Round-trip-time histograms of the probed hosts, one per latency class (city, region, hub), re-bucketed
 * onto the bounds of indicators/raw-metrics.yaml. A class with any host unreadable is left out.
 */
import type { RoleName } from '../../config/types.ts';
import { defaultCatalog } from '../../../catalog/load.ts';
import { rebucket, type ProbeHistogram } from '../rebucket.ts';
import type { CounterEntry } from '../store.ts';
import type { MetricFamily } from './family.ts';
import { select } from './interval.ts';

/** Latency roles and the histogram each fills. */
const LATENCY_ROLES: Array<[RoleName, string]> = [
  ['latency_city', 'lat_city_hist'],
  ['latency_region', 'lat_region_hist'],
  ['latency_hub', 'lat_hub_hist'],
];

export const latency: MetricFamily = {
  name: 'network latency',
  build(iv) {
    for (const [role, metric] of LATENCY_ROLES) {
      const list = iv.bindings(role);
      if (list.length === 0) continue;
      const hosts: ProbeHistogram[] = [];
      let ok = true;
      for (const { tr, b } of list) {
        const h = probeHistograms(select(tr.counters.values(), 'rtt_probes', b, false), iv.start, iv.end);
        if (h === undefined) {
          ok = false;
          iv.missing.add(tr.target.id);
        } else hosts.push(...h);
      }
      if (!ok) continue;
      const bounds = defaultCatalog().metricById.get(metric)!.bounds!;
      iv.histograms[metric] = { bounds: [...bounds], counts: rebucket(hosts, bounds) };
    }
  },
};

/**
 * Each probed host's histogram increase over [start, end) from its bucket counters (device = host, labels.le in
 * seconds); undefined when no host matched or any bucket's increase is unknown (a gap, a prober restart).
 */
function probeHistograms(series: CounterEntry[], start: number, end: number): ProbeHistogram[] | undefined {
  if (series.length === 0) return undefined;
  const byHost = new Map<string, Array<{ le: number; d: number }>>();
  for (const c of series) {
    const le = c.labels.le === '+Inf' ? Infinity : Number(c.labels.le);
    if (Number.isNaN(le)) continue;
    const d = c.series.delta(start, end);
    if (d === undefined) return undefined;
    let list = byHost.get(c.device);
    if (list === undefined) byHost.set(c.device, (list = []));
    list.push({ le, d });
  }
  const out: ProbeHistogram[] = [];
  for (const list of byHost.values()) {
    list.sort((a, b) => a.le - b.le);
    const inf = list.at(-1);
    if (inf === undefined || inf.le !== Infinity) return undefined;
    const finite = list.slice(0, -1);
    out.push({ boundsMs: finite.map((x) => x.le * 1000), cumulative: finite.map((x) => x.d), total: inf.d });
  }
  return out;
}
