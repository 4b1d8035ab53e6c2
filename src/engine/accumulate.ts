/**
 * @module Folds one window's center records into per-center accumulators: the engine's only pass over records.
 *
 * Deltas add, gauge means integrate value × time, gauge maxima keep the maximum, snapshots keep the
 * value with the latest end, histograms add counts. A record straddling a window edge counts pro rata
 * (deltas and means) so that adjacent windows always add up to the window that spans them.
 */
import type { Catalog, RawMetric } from '../catalog/types.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { Window } from '../model/values.ts';

/** How a metric slot folds. */
const FOLD = { delta: 0, mean: 1, max: 2, snapshot: 3 } as const;

/** The slot layout of the catalog's non-histogram, non-registry metrics, built once per catalog. */
export interface Layout {
  slots: RawMetric[];
  kinds: Uint8Array;
  /** Metric id → slot index (plain object: the fastest lookup for a fixed key set). */
  index: Record<string, number>;
  histograms: RawMetric[];
  histIndex: Record<string, number>;
}

const layouts = new WeakMap<Catalog, Layout>();

export function layoutFor(catalog: Catalog): Layout {
  let l = layouts.get(catalog);
  if (l) return l;
  const slots = catalog.metrics.filter((m) => m.kind !== 'histogram' && m.source !== 'registry');
  const kinds = new Uint8Array(slots.length);
  const index: Record<string, number> = Object.create(null);
  slots.forEach((m, i) => {
    index[m.id] = i;
    kinds[i] =
      m.kind === 'delta' ? FOLD.delta : m.kind === 'snapshot' ? FOLD.snapshot : m.stat === 'max' ? FOLD.max : FOLD.mean;
  });
  const histograms = catalog.metrics.filter((m) => m.kind === 'histogram');
  const histIndex: Record<string, number> = Object.create(null);
  histograms.forEach((m, i) => (histIndex[m.id] = i));
  l = { slots, kinds, index, histograms, histIndex };
  layouts.set(catalog, l);
  return l;
}

/** One center's accumulated window. Values are read through `value(slot)`. */
export interface CenterAccumulator {
  center: string;
  /** delta: sum; mean: Σ value·ms; max: max; snapshot: value. */
  acc: Float64Array;
  /** mean: Σ ms weight; snapshot: end ms of the value kept. */
  aux: Float64Array;
  has: Uint8Array;
  hist: Array<number[] | undefined>;
  /** Telemetry records seen and milliseconds of the window they cover. */
  telemetryRecords: number;
  coveredMs: number;
  declarationRecords: number;
}

function newAccumulator(center: string, layout: Layout): CenterAccumulator {
  const n = layout.slots.length;
  return {
    center,
    acc: new Float64Array(n),
    aux: new Float64Array(n),
    has: new Uint8Array(n),
    hist: new Array(layout.histograms.length).fill(undefined),
    telemetryRecords: 0,
    coveredMs: 0,
    declarationRecords: 0,
  };
}

/**
 * Folds `records` (any order) into accumulators for `window`. Records outside the window are ignored.
 * `snapshotsBefore` are declarations that started before the window: their snapshots stand until replaced.
 */
export function accumulate(
  catalog: Catalog,
  window: Window,
  records: Iterable<ParsedRecord>,
  snapshotsBefore: Iterable<ParsedRecord> = [],
): Map<string, CenterAccumulator> {
  const layout = layoutFor(catalog);
  const { index, kinds } = layout;
  const out = new Map<string, CenterAccumulator>();
  const { fromMs, toMs } = window;

  for (const r of snapshotsBefore) {
    if (r.source !== 'declaration' || r.startMs >= toMs) continue;
    let a = out.get(r.center);
    if (!a) out.set(r.center, (a = newAccumulator(r.center, layout)));
    const m = r.metrics;
    for (const id in m) {
      const s = index[id];
      if (s === undefined || kinds[s] !== FOLD.snapshot) continue;
      if (!a.has[s] || r.endMs > a.aux[s]!) {
        a.acc[s] = m[id]!;
        a.aux[s] = r.endMs;
        a.has[s] = 1;
      }
    }
  }

  for (const r of records) {
    const start = r.startMs;
    const end = r.endMs;
    if (end <= fromMs || start >= toMs) continue;
    let a = out.get(r.center);
    if (!a) out.set(r.center, (a = newAccumulator(r.center, layout)));
    const lo = start < fromMs ? fromMs : start;
    const hi = end > toMs ? toMs : end;
    const span = end - start;
    const f = lo === start && hi === end ? 1 : (hi - lo) / span;
    const dt = hi - lo;
    if (r.source === 'telemetry') {
      a.telemetryRecords++;
      a.coveredMs += dt;
    } else {
      a.declarationRecords++;
    }
    const m = r.metrics;
    const acc = a.acc;
    const aux = a.aux;
    const has = a.has;
    for (const id in m) {
      const s = index[id];
      if (s === undefined) continue;
      const v = m[id]!;
      switch (kinds[s]) {
        case FOLD.delta:
          acc[s] += v * f;
          break;
        case FOLD.mean:
          acc[s] += v * dt;
          aux[s] += dt;
          break;
        case FOLD.max:
          if (!has[s] || v > acc[s]!) acc[s] = v;
          break;
        default:
          if (!has[s] || end > aux[s]!) {
            acc[s] = v;
            aux[s] = end;
          }
      }
      has[s] = 1;
    }
    // Histogram counts are not prorated: a sample belongs to the window its record starts in.
    if (r.histograms && start >= fromMs) {
      for (const id in r.histograms) {
        const h = layout.histIndex[id];
        if (h === undefined) continue;
        const counts = r.histograms[id]!.counts;
        const cur = a.hist[h];
        if (!cur) a.hist[h] = counts.slice();
        else for (let i = 0; i < counts.length; i++) cur[i]! += counts[i]!;
      }
    }
  }
  return out;
}

/** The window value of a slot for a center, or undefined when the center has none. */
export function slotValue(a: CenterAccumulator, layout: Layout, slot: number): number | undefined {
  if (!a.has[slot]) return undefined;
  const k = layout.kinds[slot];
  if (k === FOLD.mean) return a.aux[slot]! > 0 ? a.acc[slot]! / a.aux[slot]! : undefined;
  return a.acc[slot];
}
