/**
 * @module How center records merge: the one fold the engine, the hub's roll-ups and federation use.
 *
 * The record contract says how a center's data over adjacent intervals combines: deltas add, gauge means
 * integrate value × time, gauge maxima keep the maximum, snapshots keep the value with the latest end,
 * histograms add bucket by bucket. `accumulate` folds a window's records into per-center accumulators;
 * a record straddling a window edge counts pro rata (deltas and means), so adjacent windows always add up
 * to the window that spans them.
 *
 * A roll-up (`RollupRecord`) is one center's accumulator for a closed hour, day or month written back as a
 * record, with the bookkeeping a plain record lacks (the time behind each mean, the end behind each
 * snapshot, how many records and how much time it covers). `accumulate` folds roll-ups exactly as it
 * folds the records they were made of, so a window evaluated from the roll-ups that tile it equals the
 * window evaluated from its raw records.
 */
import type { Catalog, RawMetric } from '../catalog/types.ts';
import type { Histogram, ParsedRecord, RollupFacts, RollupRecord } from '../model/records.ts';
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
  /**
   * delta and mean: ms of the window covered by the records that carry the slot (a mean's weight; a delta's
   * coverage, e.g. the share of the window whose IT energy was reported); snapshot: end ms of the value kept.
   */
  aux: Float64Array;
  has: Uint8Array;
  hist: Array<number[] | undefined>;
  /** Telemetry records (or roll-ups) seen and milliseconds of the window they cover. */
  telemetryRecords: number;
  coveredMs: number;
  declarationRecords: number;
  /** Telemetry records that started in the window, and the earliest start and latest end among them. */
  startedRecords: number;
  firstStartMs: number;
  lastEndMs: number;
}

/**
 * The typed arrays of up to this many centers share one allocation: 41-slot arrays of their own are each a native
 * allocation, and an evaluation of 10,000 centers makes tens of thousands of them every minute.
 */
const SLAB_CENTERS = 256;

/** Arrays for the accumulators of an Accumulation's centers, cut from slabs that grow up to SLAB_CENTERS centers. */
interface Slab {
  f64: Float64Array;
  u8: Uint8Array;
  centers: number;
  used: number;
}

function newAccumulator(center: string, layout: Layout, slab: Slab): CenterAccumulator {
  const n = layout.slots.length;
  const i = slab.used++;
  return {
    center,
    acc: slab.f64.subarray(2 * n * i, 2 * n * i + n),
    aux: slab.f64.subarray(2 * n * i + n, 2 * n * (i + 1)),
    has: slab.u8.subarray(n * i, n * (i + 1)),
    hist: new Array(layout.histograms.length).fill(undefined),
    telemetryRecords: 0,
    coveredMs: 0,
    declarationRecords: 0,
    startedRecords: 0,
    firstStartMs: Infinity,
    lastEndMs: -Infinity,
  };
}

/**
 * Folds `records` (raw records and roll-ups, any order) into accumulators for `window`. Records outside
 * the window are ignored. `snapshotsBefore` are declarations that started before the window: their
 * snapshots stand until replaced.
 */
export function accumulate(
  catalog: Catalog,
  window: Window,
  records: Iterable<ParsedRecord>,
  snapshotsBefore: Iterable<ParsedRecord> = [],
): Map<string, CenterAccumulator> {
  const acc = new Accumulation(catalog, window);
  for (const r of snapshotsBefore) acc.addStanding(r);
  for (const r of records) acc.add(r);
  return acc.centers;
}

/** One window's accumulators, fed one record or roll-up at a time (the hub folds an open hour as records arrive). */
export class Accumulation {
  readonly window: Window;
  readonly centers = new Map<string, CenterAccumulator>();
  private readonly layout: Layout;

  constructor(catalog: Catalog, window: Window) {
    this.window = window;
    this.layout = layoutFor(catalog);
  }

  private slab: Slab | undefined;

  private get(center: string): CenterAccumulator {
    let a = this.centers.get(center);
    if (!a) this.centers.set(center, (a = newAccumulator(center, this.layout, this.room())));
    return a;
  }

  /** A slab with room for one more center: a new one twice the last, up to SLAB_CENTERS, when it is full. */
  private room(): Slab {
    const s = this.slab;
    if (s && s.used < s.centers) return s;
    const n = this.layout.slots.length;
    const centers = Math.min(SLAB_CENTERS, s ? 2 * s.centers : 4);
    return (this.slab = { f64: new Float64Array(2 * n * centers), u8: new Uint8Array(n * centers), centers, used: 0 });
  }

  /** Folds a record or roll-up; one outside the window is ignored. */
  add(r: ParsedRecord): void {
    if (r.endMs <= this.window.fromMs || r.startMs >= this.window.toMs) return;
    const ru = (r as Partial<RollupRecord>).rollup;
    if (ru) foldRollup(this.get(r.center), r, ru, this.window, this.layout);
    else foldRecord(this.get(r.center), r, this.window, this.layout);
  }

  /** Folds a packed telemetry record, exactly as `add` folds the record it was packed from. */
  addPacked(r: PackedRecord): void {
    if (r.endMs <= this.window.fromMs || r.startMs >= this.window.toMs) return;
    foldPacked(this.get(r.center), r, this.window, this.layout);
  }

  /** Folds a packed roll-up, exactly as `add` folds the roll-up it was packed from. */
  addPackedRollup(r: PackedRollup): void {
    if (r.endMs <= this.window.fromMs || r.startMs >= this.window.toMs) return;
    foldPackedRollup(this.get(r.center), r, this.window, this.layout);
  }

  /** A declaration that started before the window: its snapshots stand until replaced. */
  addStanding(r: ParsedRecord): void {
    if (r.source !== 'declaration' || r.startMs >= this.window.toMs) return;
    foldStandingSnapshots(this.get(r.center), r, this.layout);
  }

  /** Starts a center over (its records are folded again from elsewhere). */
  drop(center: string): void {
    this.centers.delete(center);
  }

  /** The roll-up of each center that has telemetry in the window, by center id. */
  rollups(): RollupRecord[] {
    const out: RollupRecord[] = [];
    for (const a of this.centers.values()) if (a.telemetryRecords > 0) out.push(toRollup(a, this.layout, this.window));
    return out.sort((x, y) => (x.center < y.center ? -1 : x.center > y.center ? 1 : 0));
  }
}

/**
 * A telemetry record reduced to what folding it needs: its values by slot of the catalog's layout (NaN where it
 * has none; a validated record's values are finite) and its histograms' counts by histogram. A tenth of the
 * memory of the parsed record, whose 30-odd metrics are boxed numbers under string keys and whose histograms
 * each carry their own copy of the bounds: the hub holds its rolling window's records in this form.
 */
export interface PackedRecord {
  readonly center: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly values: readonly number[];
  /** Counts by histogram index, or undefined when the record has none. */
  readonly hist: Array<readonly number[] | undefined> | undefined;
}

/** A telemetry record packed for holding (`Accumulation.addPacked` folds it as `add` folds the record). */
export function packRecord(catalog: Catalog, r: ParsedRecord): PackedRecord {
  const { index, slots, histIndex, histograms } = layoutFor(catalog);
  const values: number[] = new Array<number>(slots.length).fill(NaN);
  const m = r.metrics;
  for (const id in m) {
    const s = index[id];
    if (s !== undefined) values[s] = m[id]!;
  }
  let hist: PackedRecord['hist'];
  if (r.histograms)
    for (const id in r.histograms) {
      const h = histIndex[id];
      if (h === undefined) continue;
      hist ??= new Array<number[] | undefined>(histograms.length).fill(undefined);
      hist[h] = r.histograms[id]!.counts;
    }
  return { center: r.center, startMs: r.startMs, endMs: r.endMs, values, hist };
}

/**
 * A roll-up reduced to what folding it needs, as `PackedRecord` is for a record: its values and bookkeeping by slot
 * (NaN where it has none; stored ones are finite), histogram counts by histogram, and its record counts and times.
 * A close of a year reads hundreds of thousands of roll-ups: decoded into this form, none builds an object keyed
 * by metric name.
 */
export interface PackedRollup {
  readonly center: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly values: readonly number[];
  /** `RollupFacts.aux` by slot: a mean's milliseconds of data, a snapshot's end (NaN: none). */
  readonly aux: readonly number[];
  readonly hist: Array<readonly number[] | undefined> | undefined;
  readonly records: number;
  readonly coveredMs: number;
  readonly firstStartMs: number;
  readonly lastEndMs: number;
}

/** A roll-up packed for folding (`Accumulation.addPackedRollup` folds it as `add` folds the roll-up). */
export function packRollup(catalog: Catalog, r: RollupRecord): PackedRollup {
  const { center, startMs, endMs, values, hist } = packRecord(catalog, r);
  const { index, slots } = layoutFor(catalog);
  const aux: number[] = new Array<number>(slots.length).fill(NaN);
  const x = r.rollup.aux;
  for (const id in x) {
    const s = index[id];
    if (s !== undefined) aux[s] = x[id]!;
  }
  const { records, coveredMs, firstStartMs, lastEndMs } = r.rollup;
  return { center, startMs, endMs, values, aux, hist, records, coveredMs, firstStartMs, lastEndMs };
}

/**
 * One record's (or roll-up's) value `v` in slot `s` of the accumulator, by the slot's fold: a delta prorated by
 * `f` (the share of the record inside the window), a mean weighted by `dt` (its time inside the window), a
 * maximum, or a snapshot taken at `end` that stands until a later one replaces it.
 */
function foldValue(a: CenterAccumulator, s: number, kind: number, v: number, f: number, dt: number, end: number): void {
  const { acc, aux, has } = a;
  switch (kind) {
    case FOLD.delta:
      acc[s] += v * f;
      aux[s] += dt;
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

/** A packed telemetry record overlapping the window: `foldRecord` slot by slot. */
function foldPacked(a: CenterAccumulator, r: PackedRecord, window: Window, layout: Layout): void {
  const { kinds } = layout;
  const start = r.startMs;
  const end = r.endMs;
  const lo = start < window.fromMs ? window.fromMs : start;
  const hi = end > window.toMs ? window.toMs : end;
  const f = lo === start && hi === end ? 1 : (hi - lo) / (end - start);
  const dt = hi - lo;
  a.telemetryRecords++;
  a.coveredMs += dt;
  if (start >= window.fromMs) noteStarted(a, 1, start, end);
  const values = r.values;
  for (let s = 0; s < values.length; s++) {
    const v = values[s]!;
    if (v !== v) continue; // NaN: the record has no value in this slot
    foldValue(a, s, kinds[s]!, v, f, dt, end);
  }
  if (r.hist && start >= window.fromMs) addPackedHistograms(a, r.hist);
}

/** A declaration from before the window: only its snapshots count (they stand until replaced). */
function foldStandingSnapshots(a: CenterAccumulator, r: ParsedRecord, layout: Layout): void {
  const { index, kinds } = layout;
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

/** One raw record (telemetry or declaration) overlapping the window. */
function foldRecord(a: CenterAccumulator, r: ParsedRecord, window: Window, layout: Layout): void {
  const { index, kinds } = layout;
  const start = r.startMs;
  const end = r.endMs;
  const lo = start < window.fromMs ? window.fromMs : start;
  const hi = end > window.toMs ? window.toMs : end;
  const f = lo === start && hi === end ? 1 : (hi - lo) / (end - start);
  const dt = hi - lo;
  if (r.source === 'telemetry') {
    a.telemetryRecords++;
    a.coveredMs += dt;
    if (start >= window.fromMs) noteStarted(a, 1, start, end);
  } else {
    a.declarationRecords++;
  }
  const m = r.metrics;
  for (const id in m) {
    const s = index[id];
    if (s !== undefined) foldValue(a, s, kinds[s]!, m[id]!, f, dt, end);
  }
  // Histogram counts are not prorated: a sample belongs to the window its record starts in.
  if (r.histograms && start >= window.fromMs) addHistograms(a, r.histograms, layout);
}

/**
 * One roll-up overlapping the window: as its records would fold. A roll-up inside the window (the
 * hub's closes: roll-ups tile named periods) folds exactly; one straddling an edge (a rolling window's
 * year-earlier comparison) counts pro rata, as a record of that length would.
 */
function foldRollup(a: CenterAccumulator, r: ParsedRecord, ru: RollupFacts, window: Window, layout: Layout): void {
  const { index, kinds } = layout;
  const f = foldRollupFacts(a, r.startMs, r.endMs, ru, window);
  const m = r.metrics;
  for (const id in m) {
    const s = index[id];
    if (s !== undefined) foldRollupValue(a, s, kinds[s]!, m[id]!, ru.aux[id], f, r.endMs, ru.coveredMs);
  }
  if (r.histograms && r.startMs >= window.fromMs) addHistograms(a, r.histograms, layout);
}

/** A packed roll-up overlapping the window: `foldRollup` slot by slot. */
function foldPackedRollup(a: CenterAccumulator, r: PackedRollup, window: Window, layout: Layout): void {
  const { kinds } = layout;
  const f = foldRollupFacts(a, r.startMs, r.endMs, r, window);
  const { values, aux } = r;
  for (let s = 0; s < values.length; s++) {
    const v = values[s]!;
    if (v !== v) continue; // NaN: the roll-up has no value in this slot
    const x = aux[s]!;
    foldRollupValue(a, s, kinds[s]!, v, x === x ? x : undefined, f, r.endMs, r.coveredMs);
  }
  if (r.hist && r.startMs >= window.fromMs) addPackedHistograms(a, r.hist);
}

/** A roll-up's counts and times (`RollupFacts` or a packed roll-up's); returns the share of it inside the window. */
function foldRollupFacts(
  a: CenterAccumulator,
  start: number,
  end: number,
  ru: Pick<RollupFacts, 'records' | 'coveredMs' | 'firstStartMs' | 'lastEndMs'>,
  window: Window,
): number {
  const lo = start < window.fromMs ? window.fromMs : start;
  const hi = end > window.toMs ? window.toMs : end;
  const f = lo === start && hi === end ? 1 : (hi - lo) / (end - start);
  a.telemetryRecords++;
  a.coveredMs += ru.coveredMs * f;
  if (start >= window.fromMs && ru.records > 0) noteStarted(a, ru.records, ru.firstStartMs, ru.lastEndMs);
  return f;
}

/**
 * A roll-up's value `v` in slot `s`, with its bookkeeping `x`: a mean's weight is the time its records covered
 * (prorated), a snapshot's time that of its newest record (the roll-up's end when it has none), a delta's coverage
 * the time its records covered (kept only where it is not the roll-up's own `coveredMs`).
 */
function foldRollupValue(
  a: CenterAccumulator,
  s: number,
  kind: number,
  v: number,
  x: number | undefined,
  f: number,
  end: number,
  coveredMs: number,
): void {
  foldValue(a, s, kind, v, f, (x ?? (kind === FOLD.delta ? coveredMs : 0)) * f, x ?? end);
}

function noteStarted(a: CenterAccumulator, n: number, firstStartMs: number, lastEndMs: number): void {
  a.startedRecords += n;
  if (firstStartMs < a.firstStartMs) a.firstStartMs = firstStartMs;
  if (lastEndMs > a.lastEndMs) a.lastEndMs = lastEndMs;
}

function addHistograms(a: CenterAccumulator, histograms: Record<string, Histogram>, layout: Layout): void {
  for (const id in histograms) {
    const h = layout.histIndex[id];
    if (h === undefined) continue;
    addCounts(a, h, histograms[id]!.counts);
  }
}

function addPackedHistograms(a: CenterAccumulator, hist: NonNullable<PackedRecord['hist']>): void {
  for (let h = 0; h < hist.length; h++) {
    const counts = hist[h];
    if (counts) addCounts(a, h, counts);
  }
}

/** Histogram `h`'s counts added bucket by bucket (copied, when the first). */
function addCounts(a: CenterAccumulator, h: number, counts: readonly number[]): void {
  const cur = a.hist[h];
  if (!cur) a.hist[h] = counts.slice();
  else for (let i = 0; i < counts.length; i++) cur[i]! += counts[i]!;
}

/** Fraction of the window covered by the telemetry that carries a delta or mean slot (0 when none does). */
export function slotCoverage(a: CenterAccumulator, window: Window, slot: number): number {
  if (!a.has[slot]) return 0;
  return Math.min(1, a.aux[slot]! / (window.toMs - window.fromMs));
}

/** The window value of a slot for a center, or undefined when the center has none. */
export function slotValue(a: CenterAccumulator, layout: Layout, slot: number): number | undefined {
  if (!a.has[slot]) return undefined;
  const k = layout.kinds[slot];
  if (k === FOLD.mean) return a.aux[slot]! > 0 ? a.acc[slot]! / a.aux[slot]! : undefined;
  return a.acc[slot];
}

/**
 * Merges telemetry records or finer roll-ups into one roll-up per center for `window` (a closed hour, day
 * or month). Declarations are not rolled up: they are few, span whole filing periods and stay as filed.
 * Centers with no telemetry overlapping the window get none.
 */
export function rollUp(catalog: Catalog, window: Window, records: Iterable<ParsedRecord>): RollupRecord[] {
  const acc = new Accumulation(catalog, window);
  for (const r of records) if (r.source === 'telemetry') acc.add(r);
  return acc.rollups();
}

/** An accumulator written back as a roll-up record for its window. */
export function toRollup(a: CenterAccumulator, layout: Layout, window: Window): RollupRecord {
  const metrics: Record<string, number> = {};
  const aux: Record<string, number> = {};
  const { slots, kinds } = layout;
  for (let s = 0; s < slots.length; s++) {
    if (!a.has[s]) continue;
    const id = slots[s]!.id;
    switch (kinds[s]) {
      case FOLD.mean:
        // A mean with no time behind it cannot be weighted; it is left out, as accumulate reads it.
        if (!(a.aux[s]! > 0)) continue;
        metrics[id] = a.acc[s]! / a.aux[s]!;
        aux[id] = a.aux[s]!;
        break;
      case FOLD.snapshot:
        metrics[id] = a.acc[s]!;
        aux[id] = a.aux[s]!;
        break;
      case FOLD.delta:
        metrics[id] = a.acc[s]!;
        // Only when some of the roll-up's records lacked the metric: folding reads the covered time otherwise.
        if (a.aux[s] !== a.coveredMs) aux[id] = a.aux[s]!;
        break;
      default:
        metrics[id] = a.acc[s]!;
    }
  }
  const out: RollupRecord = {
    center: a.center,
    startMs: window.fromMs,
    endMs: window.toMs,
    source: 'telemetry',
    metrics,
    rollup: {
      aux,
      records: a.startedRecords,
      coveredMs: a.coveredMs,
      firstStartMs: a.startedRecords > 0 ? a.firstStartMs : 0,
      lastEndMs: a.startedRecords > 0 ? a.lastEndMs : 0,
    },
  };
  const histograms: Record<string, Histogram> = {};
  let any = false;
  layout.histograms.forEach((h, i) => {
    const counts = a.hist[i];
    if (!counts) return;
    histograms[h.id] = { bounds: h.bounds!, counts: counts.slice() };
    any = true;
  });
  if (any) out.histograms = histograms;
  return out;
}
