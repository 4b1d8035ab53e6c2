/**
 * @module The hub benchmark's fleet: N synthetic centers with one one-minute telemetry record each as a template,
 * the record of any minute made from it (every value a little different each minute, as a real center's), and
 * the same data for longer spans (an hour, a day, a month) to build the history's roll-ups with the merge code.
 */
import type { Catalog } from '../../catalog/types.ts';
import type { ParsedRecord } from '../../model/records.ts';
import type { RegistryIndex } from '../../registry/load.ts';
import { syntheticFleet } from '../../engine/synthetic.ts';

const MIN = 60_000;

export interface BenchFleet {
  registry: RegistryIndex;
  /** One one-minute record per center, by center id. */
  templates: Map<string, ParsedRecord>;
  /** One filing per center (its metrics; the interval is set where it is used). */
  filings: Map<string, Record<string, number>>;
}

export function benchFleet(catalog: Catalog, centers: number, seed = 20261231): BenchFleet {
  const { registry, records } = syntheticFleet(catalog, { centers, days: 1, seed, stepMs: MIN });
  const templates = new Map<string, ParsedRecord>();
  const filings = new Map<string, Record<string, number>>();
  for (const r of records) {
    if (r.source === 'telemetry') templates.set(r.center, r);
    else filings.set(r.center, r.metrics);
  }
  return { registry, templates, filings };
}

/**
 * The template stretched over [startMs, endMs): deltas and histogram counts scale with the length, gauges
 * and snapshots stay; `wobble` (a small number) moves every value, so no two minutes are the same.
 */
export function recordFor(
  catalog: Catalog,
  t: ParsedRecord,
  startMs: number,
  endMs: number,
  wobble: number,
): ParsedRecord {
  const scale = (endMs - startMs) / MIN;
  const f = 1 + 0.05 * Math.sin(wobble);
  const metrics: Record<string, number> = {};
  for (const id in t.metrics) {
    const m = catalog.metricById.get(id);
    const v = t.metrics[id]! * f;
    metrics[id] = m?.kind === 'delta' ? v * scale : m?.kind === 'snapshot' ? Math.round(t.metrics[id]!) : v;
  }
  const out: ParsedRecord = { center: t.center, startMs, endMs, source: 'telemetry', metrics };
  if (t.histograms) {
    out.histograms = {};
    for (const [id, h] of Object.entries(t.histograms))
      out.histograms[id] = { bounds: h.bounds, counts: h.counts.map((c) => Math.round(c * scale)) };
  }
  return out;
}

/** A record as an agent sends it (RFC 3339 times). */
export function wireRecord(r: ParsedRecord): object {
  return {
    center: r.center,
    start: new Date(r.startMs).toISOString(),
    end: new Date(r.endMs).toISOString(),
    metrics: r.metrics,
    ...(r.histograms ? { histograms: r.histograms } : {}),
  };
}
