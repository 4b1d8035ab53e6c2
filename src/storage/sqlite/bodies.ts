/**
 * @module Row bodies of the embedded store: a record's metrics and histograms, a roll-up's metrics,
 * bookkeeping and histograms, and all of one node's indicator values for one period (codec.ts has the
 * encodings).
 */
import type { Histogram, RollupFacts } from '../../model/records.ts';
import type { StoredValue } from '../types.ts';
import type { Layout, PackedRecord, PackedRollup } from '../../records/merge.ts';
import {
  Reader,
  Writer,
  layoutOf,
  readHistograms,
  readNumbers,
  writeHistograms,
  writeNumbers,
  type Dictionary,
} from './codec.ts';

export function encodeRecordBody(
  dict: Dictionary,
  metrics: Record<string, number>,
  histograms: Record<string, Histogram> | undefined,
): Uint8Array {
  const w = new Writer();
  writeNumbers(w, dict, metrics);
  writeHistograms(w, dict, histograms);
  return w.bytes();
}

export function decodeRecordBody(
  dict: Dictionary,
  body: Uint8Array,
): { metrics: Record<string, number>; histograms?: Record<string, Histogram> } {
  const r = new Reader(body);
  const metrics = readNumbers(r, dict);
  const histograms = readHistograms(r, dict);
  return histograms ? { metrics, histograms } : { metrics };
}

/** Where a body's names go in packed records and roll-ups of one layout: each dictionary id's slot (-1: none). */
export interface PackTarget {
  layout: Layout;
  slotOf: number[];
}

/**
 * A record body decoded straight into its packed form (merge.ts `packRecord` of what `decodeRecordBody` gives):
 * no object of metric names, no histogram objects.
 */
export function decodePackedRecordBody(
  dict: Dictionary,
  body: Uint8Array,
  target: PackTarget,
): { values: number[]; hist: PackedRecord['hist'] } {
  const r = new Reader(body);
  const values = readSlots(r, dict, target);
  return { values, hist: readPackedHistograms(r, dict, target.layout) };
}

/** A `writeNumbers` section read into an array by slot (NaN where it has nothing). */
function readSlots(r: Reader, dict: Dictionary, target: PackTarget): number[] {
  const { layout, slotOf } = target;
  const values: number[] = new Array<number>(layout.slots.length).fill(NaN);
  for (let n = r.uint(); n > 0; n--) {
    const tag = r.keyTag();
    const x = r.keyedValue(tag);
    const id = Math.floor(tag / 2);
    let s = slotOf[id];
    if (s === undefined) s = slotOf[id] = layout.index[dict.name(id)] ?? -1;
    if (s >= 0) values[s] = x;
  }
  return values;
}

/** A `writeHistograms` section read into counts by histogram index (undefined when it has none of the layout's). */
function readPackedHistograms(r: Reader, dict: Dictionary, layout: Layout): PackedRecord['hist'] {
  let hist: Array<number[] | undefined> | undefined;
  for (let n = r.uint(); n > 0; n--) {
    const [id, bounds] = layoutOf(dict.name(r.uint()));
    const counts: number[] = [];
    for (let j = 0; j <= bounds.length; j++) counts.push(r.keyedValue(r.keyTag()));
    const h = layout.histIndex[id];
    if (h === undefined) continue;
    hist ??= new Array<number[] | undefined>(layout.histograms.length).fill(undefined);
    hist[h] = counts;
  }
  return hist;
}

/** A roll-up's body: metrics, the per-metric bookkeeping (`aux`), histograms. Counts and times are columns. */
export function encodeRollupBody(
  dict: Dictionary,
  metrics: Record<string, number>,
  aux: Record<string, number>,
  histograms: Record<string, Histogram> | undefined,
): Uint8Array {
  const w = new Writer();
  writeNumbers(w, dict, metrics);
  writeNumbers(w, dict, aux);
  writeHistograms(w, dict, histograms);
  return w.bytes();
}

export function decodeRollupBody(
  dict: Dictionary,
  body: Uint8Array,
): { metrics: Record<string, number>; aux: RollupFacts['aux']; histograms?: Record<string, Histogram> } {
  const r = new Reader(body);
  const metrics = readNumbers(r, dict);
  const aux = readNumbers(r, dict);
  const histograms = readHistograms(r, dict);
  return histograms ? { metrics, aux, histograms } : { metrics, aux };
}

/**
 * A roll-up body decoded straight into its packed form (merge.ts `packRollup` of what `decodeRollupBody` gives):
 * values and bookkeeping by slot, histogram counts by index, no object keyed by metric name.
 */
export function decodePackedRollupBody(
  dict: Dictionary,
  body: Uint8Array,
  target: PackTarget,
): Pick<PackedRollup, 'values' | 'aux' | 'hist'> {
  const r = new Reader(body);
  const values = readSlots(r, dict, target);
  const aux = readSlots(r, dict, target);
  return { values, aux, hist: readPackedHistograms(r, dict, target.layout) };
}

/** Which optional parts an entry carries. */
const HAS_VALUE = 1;
const HAS_NUMERATOR = 2;
const HAS_DENOMINATOR = 4;
const HAS_COVERAGE_CENTERS = 8;
const HAS_COVERAGE_ENERGY = 16;
const HAS_REASON = 32;
/** The entry's window, province or computation time differ from the row's (never, when the engine wrote it). */
const OWN_CONTEXT = 64;

/** The row's shared fields; an entry that differs carries its own. */
interface RowContext {
  fromMs: number;
  toMs: number;
  province: string;
  computedAtMs: number;
}

/** The values of one node (period kind, period, level, code) as one body: the row's context, then one entry per indicator. */
export function encodeNodeValues(dict: Dictionary, ctx: RowContext, values: StoredValue[]): Uint8Array {
  const w = new Writer();
  w.num(ctx.fromMs);
  w.num(ctx.toMs);
  w.uint(dict.id(ctx.province));
  w.num(ctx.computedAtMs);
  w.uint(values.length);
  for (const v of values) {
    const own =
      v.fromMs !== ctx.fromMs ||
      v.toMs !== ctx.toMs ||
      v.province !== ctx.province ||
      v.computedAtMs !== ctx.computedAtMs;
    const flags =
      (v.value !== null ? HAS_VALUE : 0) |
      (v.numerator !== null ? HAS_NUMERATOR : 0) |
      (v.denominator !== null ? HAS_DENOMINATOR : 0) |
      (v.coverage.centers !== null ? HAS_COVERAGE_CENTERS : 0) |
      (v.coverage.it_energy !== null ? HAS_COVERAGE_ENERGY : 0) |
      (v.reason !== null ? HAS_REASON : 0) |
      (own ? OWN_CONTEXT : 0);
    w.uint(dict.id(v.indicator));
    w.uint(flags);
    w.uint(dict.id(v.dimension));
    w.uint(dict.id(v.unit));
    w.num(v.centers);
    if (v.value !== null) w.num(v.value);
    if (v.numerator !== null) w.num(v.numerator);
    if (v.denominator !== null) w.num(v.denominator);
    if (v.coverage.centers !== null) w.num(v.coverage.centers);
    if (v.coverage.it_energy !== null) w.num(v.coverage.it_energy);
    if (v.reason !== null) w.uint(dict.id(v.reason));
    if (own) {
      w.num(v.fromMs);
      w.num(v.toMs);
      w.uint(dict.id(v.province));
      w.num(v.computedAtMs);
    }
  }
  return w.bytes();
}

/** Decodes a node's body; `want` (indicator ids) skips building the others. */
export function decodeNodeValues(
  dict: Dictionary,
  row: { period_kind: StoredValue['period_kind']; period: string; level: StoredValue['level']; code: string },
  body: Uint8Array,
  want?: ReadonlySet<string>,
): StoredValue[] {
  const r = new Reader(body);
  const fromMs = r.num();
  const toMs = r.num();
  const province = dict.name(r.uint());
  const computedAtMs = r.num();
  const out: StoredValue[] = [];
  for (let n = r.uint(); n > 0; n--) {
    const indicator = dict.name(r.uint());
    const flags = r.uint();
    const dimension = dict.name(r.uint());
    const unit = dict.name(r.uint());
    const centers = r.num();
    const value = flags & HAS_VALUE ? r.num() : null;
    const numerator = flags & HAS_NUMERATOR ? r.num() : null;
    const denominator = flags & HAS_DENOMINATOR ? r.num() : null;
    const covCenters = flags & HAS_COVERAGE_CENTERS ? r.num() : null;
    const covEnergy = flags & HAS_COVERAGE_ENERGY ? r.num() : null;
    const reason = flags & HAS_REASON ? (dict.name(r.uint()) as StoredValue['reason']) : null;
    let ctx: RowContext = { fromMs, toMs, province, computedAtMs };
    if (flags & OWN_CONTEXT)
      ctx = { fromMs: r.num(), toMs: r.num(), province: dict.name(r.uint()), computedAtMs: r.num() };
    if (want && !want.has(indicator)) continue;
    out.push({
      period_kind: row.period_kind,
      period: row.period,
      level: row.level,
      code: row.code,
      indicator,
      province: ctx.province,
      dimension,
      fromMs: ctx.fromMs,
      toMs: ctx.toMs,
      computedAtMs: ctx.computedAtMs,
      value,
      unit,
      numerator,
      denominator,
      centers,
      coverage: { centers: covCenters, it_energy: covEnergy },
      reason,
    });
  }
  return out;
}
