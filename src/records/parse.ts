/**
 * @module Validates raw center records (from agents, files or the API) into ParsedRecords.
 *
 * Every problem names the record (index and key), the field and the value. A record with any problem
 * is rejected whole: nothing from it is used.
 */
import type { Catalog, RawMetric } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import {
  recordKey,
  type CenterRecord,
  type ParsedRecord,
  type Histogram,
  type RollupFacts,
  type RollupRecord,
} from '../model/records.ts';
import { compileSchema, type Validator } from '../shared/json-schema.ts';
import { centerRecordSchema } from './schema.ts';
import { rfc3339Ms } from '../shared/strict.ts';

export interface RecordProblem {
  path: string;
  message: string;
  value?: unknown;
}

export interface RecordError {
  index: number;
  key?: string;
  problems: RecordProblem[];
}

export interface RecordContext {
  catalog: Catalog;
  registry: RegistryIndex;
  /** "Now" for the far-future check (default: Date.now()). */
  nowMs?: number;
  /**
   * Accept telemetry over any interval up to a year: offline evaluation (`dims eval`, `dims report
   * --records`, golden scripts) may state a window's telemetry as one summary record per center. The hub
   * holds pushed records to the interval rules (telemetryIntervalProblem).
   */
  anyInterval?: boolean;
}

/** Largest magnitude accepted for any value: beyond it a number is a unit or encoding error. */
const MAX_ABS = 1e15;
/** Telemetry may end this far in the future (clock skew between agent and hub). */
const TELEMETRY_FUTURE_MS = 5 * 60_000;
/** A declaration for the current period may be filed before the period ends. */
const DECLARATION_FUTURE_MS = 400 * 86_400_000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** Declarations (monthly, quarterly, yearly filings) may span up to a year. */
const LONGEST_MS = 367 * 86_400_000;
/** The longest telemetry interval: one hour (see telemetryIntervalProblem). */
export const TELEMETRY_MAX_INTERVAL_MS = 3_600_000;

/** A duration for messages: 500 ms, 45 s, 7 min, 1 h, 30 d. */
function durationText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * Telemetry intervals are whole seconds that divide an hour (1 s, 2 s … 1 min, 2 min, 5 min, 10 min,
 * 15 min, 30 min, 1 h), and a record starts on a multiple of its interval (counted from 1970-01-01T00:00Z).
 * So records of a center tile every hour, none straddles an hour (nor a day, month … in a zone whose
 * offset is whole hours), and one record can make the hub recompute at most one hour and the periods
 * that contain it. Returns the problem with a record's interval, if any.
 */
export function telemetryIntervalProblem(
  startMs: number,
  endMs: number,
  raw: { start?: unknown; end?: unknown } = {},
): RecordProblem | undefined {
  const d = endMs - startMs;
  if (!(d > 0)) return undefined;
  if (d % 1000 !== 0 || TELEMETRY_MAX_INTERVAL_MS % d !== 0)
    return {
      path: '/end',
      message:
        `makes a ${durationText(d)} interval; telemetry intervals are whole seconds that divide an hour (1 s ` +
        `… 1 min, 5 min, 10 min, 15 min, 30 min, 1 h)`,
      value: raw.end,
    };
  if (startMs % d !== 0)
    return {
      path: '/start',
      message:
        `must be a multiple of its ${durationText(d)} interval counted from 1970-01-01T00:00Z ` +
        `(e.g. ${new Date(startMs - (startMs % d)).toISOString()})`,
      value: raw.start,
    };
  return undefined;
}

const validators = new WeakMap<Catalog, Validator<unknown>>();

function validatorFor(catalog: Catalog): Validator<unknown> {
  let v = validators.get(catalog);
  if (!v) {
    // Metric ids are checked below with clearer messages than ajv's propertyNames error, and the
    // times' format by parseTime (same format check, remembered per text).
    const schema = centerRecordSchema(catalog) as { properties: Record<string, Record<string, unknown>> };
    schema.properties.metrics = { type: 'object' };
    schema.properties.histograms = { type: 'object' };
    schema.properties.start = { type: 'string' };
    schema.properties.end = { type: 'string' };
    v = compileSchema<unknown>({ ...schema, $id: undefined });
    validators.set(catalog, v);
  }
  return v;
}

/**
 * Bounded memo for ingest's hot path: a batch repeats a few interval bounds across all its centers,
 * and the format check, Date.parse and toISOString cost more than the rest of a record's validation.
 */
function memo<K, V>(compute: (k: K) => V, max = 4096): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    let v = cache.get(k);
    if (v === undefined) {
      v = compute(k);
      if (cache.size >= max) cache.clear();
      cache.set(k, v);
    }
    return v;
  };
}

const rememberedTimeOf = memo(rfc3339Ms);
/** rfc3339Ms, remembered for texts as long as a real date-time (a huge bogus one is not kept). */
function parseTime(text: string): number | null {
  return text.length <= 64 ? rememberedTimeOf(text) : rfc3339Ms(text);
}

/** The time in `field` of a raw record (NaN if absent); a malformed text adds the problem the schema's format would. */
function timeAt(raw: unknown, field: 'start' | 'end', problems: RecordProblem[]): number {
  const text = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[field] : undefined;
  // Anything but a string is already reported by the schema (type or required).
  if (typeof text !== 'string') return NaN;
  const ms = parseTime(text);
  if (ms === null) problems.push({ path: `/${field}`, message: 'must match format "date-time"', value: text });
  return ms ?? NaN;
}

/** The value of one metric as stored (booleans as 1/0), or the message saying why it is refused. */
function metricValue(m: RawMetric | undefined, value: unknown, source: 'telemetry' | 'declaration'): number | string {
  if (!m || m.kind === 'histogram')
    return m ? 'is a histogram; send it under histograms' : 'is not a raw metric of indicators/raw-metrics.yaml';
  if (m.source === 'registry') return 'is a static fact that comes from the registry, not from records';
  if (m.source !== source)
    return m.source === 'declaration'
      ? 'is filed as a declaration (source: declaration), not sent as telemetry'
      : 'is telemetry and cannot be declared';
  let n: number;
  if (typeof value === 'boolean') {
    if (m.unit !== 'bool') return `must be a number in ${m.unit}`;
    n = value ? 1 : 0;
  } else if (typeof value === 'number') {
    n = value;
  } else {
    return `must be a number in ${m.unit}`;
  }
  if (!Number.isFinite(n)) return 'must be a finite number';
  if (Math.abs(n) > MAX_ABS) return `is implausibly large for ${m.unit}`;
  if (m.unit === 'bool' && n !== 0 && n !== 1) return 'must be true/false (or 1/0)';
  // -0 is a sign a value was computed wrongly (a negated zero), not a reading: refused like any negative.
  if ((n < 0 || Object.is(n, -0)) && m.unit !== 'degC')
    return m.kind === 'delta'
      ? 'is a negative delta (a counter reset must be handled by the agent)'
      : 'must not be negative';
  return n;
}

/** Validates one record; returns it parsed, or the problems. */
export function parseRecord(raw: unknown, ctx: RecordContext): { record?: ParsedRecord; problems: RecordProblem[] } {
  const { catalog, registry } = ctx;
  const problems: RecordProblem[] = validatorFor(catalog).problems(raw);
  const startMs = timeAt(raw, 'start', problems);
  const endMs = timeAt(raw, 'end', problems);
  if (problems.length > 0) return { problems };
  const r = raw as {
    center: string;
    start: string;
    end: string;
    source?: 'telemetry' | 'declaration';
    metrics: Record<string, unknown>;
    histograms?: Record<string, unknown>;
    rollup?: {
      aux: Record<string, number>;
      records: number;
      covered_ms: number;
      first_start?: string;
      last_end?: string;
    };
  };
  const source = r.source ?? 'telemetry';
  if (!registry.byId.has(r.center))
    problems.push({ path: '/center', message: 'is not a center of the registry', value: r.center });
  intervalProblems(r, { startMs, endMs, source }, ctx, problems);
  const metrics = metricValues(r.metrics, source, catalog, problems);
  const histograms = r.histograms ? histogramValues(r.histograms, catalog, problems) : undefined;
  const rollup =
    r.rollup === undefined ? undefined : rollupFacts(r.rollup, { source, startMs, endMs, metrics, catalog }, problems);
  if (problems.length > 0) return { problems };
  const record: ParsedRecord = { center: r.center, startMs, endMs, source, metrics };
  if (histograms && Object.keys(histograms).length > 0) record.histograms = histograms;
  if (rollup) (record as RollupRecord).rollup = rollup;
  return { record, problems };
}

/** Checks a record's interval: order, the telemetry interval rules or a year at most, not too old, not in the future. */
function intervalProblems(
  r: { start: string; end: string },
  t: { startMs: number; endMs: number; source: 'telemetry' | 'declaration' },
  ctx: RecordContext,
  problems: RecordProblem[],
): void {
  const { startMs, endMs, source } = t;
  const now = ctx.nowMs ?? Date.now();
  if (!(endMs > startMs)) problems.push({ path: '/end', message: 'must be after start', value: r.end });
  if (source === 'telemetry' && !ctx.anyInterval) {
    const p = telemetryIntervalProblem(startMs, endMs, r);
    if (p) problems.push(p);
  } else if (endMs - startMs > LONGEST_MS)
    problems.push({ path: '/end', message: 'makes the interval longer than a year', value: r.end });
  if (startMs < EARLIEST_MS) problems.push({ path: '/start', message: 'is before 2000-01-01', value: r.start });
  const future = source === 'declaration' ? DECLARATION_FUTURE_MS : TELEMETRY_FUTURE_MS;
  if (endMs > now + future) problems.push({ path: '/end', message: 'is in the future', value: r.end });
}

/** The record's metric values, each checked against the raw-metric dictionary. */
function metricValues(
  raw: Record<string, unknown>,
  source: 'telemetry' | 'declaration',
  catalog: RecordContext['catalog'],
  problems: RecordProblem[],
): Record<string, number> {
  const metricMap = catalog.metricById;
  const metrics: Record<string, number> = {};
  for (const id in raw) {
    const value = raw[id];
    const n = metricValue(metricMap.get(id), value, source);
    if (typeof n === 'number') metrics[id] = n;
    else problems.push({ path: `/metrics/${id}`, message: n, value });
  }
  return metrics;
}

/** The record's histograms, each on its metric's dictionary bounds with non-negative integer counts. */
function histogramValues(
  raw: Record<string, unknown>,
  catalog: RecordContext['catalog'],
  problems: RecordProblem[],
): Record<string, Histogram> {
  const histograms: Record<string, Histogram> = {};
  for (const [id, h] of Object.entries(raw)) {
    const path = `/histograms/${id}`;
    const m = catalog.metricById.get(id);
    if (!m || m.kind !== 'histogram') {
      problems.push({ path, message: 'is not a histogram metric of indicators/raw-metrics.yaml', value: id });
      continue;
    }
    const hist = h as Partial<Histogram>;
    if (!hist || !Array.isArray(hist.bounds) || !Array.isArray(hist.counts)) {
      problems.push({ path, message: 'must be { bounds: [...], counts: [...] }', value: h });
      continue;
    }
    const want = m.bounds!;
    if (hist.bounds.length !== want.length || hist.bounds.some((b, i) => b !== want[i])) {
      problems.push({
        path: `${path}/bounds`,
        message: `must equal the dictionary bounds ${JSON.stringify(want)}`,
        value: hist.bounds,
      });
      continue;
    }
    if (hist.counts.length !== want.length + 1) {
      problems.push({
        path: `${path}/counts`,
        message: `must have ${want.length + 1} counts (one per bound and +Inf)`,
        value: hist.counts.length,
      });
      continue;
    }
    if (hist.counts.some((c) => typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > MAX_ABS)) {
      problems.push({ path: `${path}/counts`, message: 'must be non-negative integers', value: hist.counts });
      continue;
    }
    histograms[id] = { bounds: want, counts: hist.counts.slice() };
  }
  return histograms;
}

const HOUR_MS = 3_600_000;

/** The bookkeeping of a forwarded hour roll-up (schema-checked already), or the problems with it. */
function rollupFacts(
  raw: { aux: Record<string, number>; records: number; covered_ms: number; first_start?: string; last_end?: string },
  r: { source: string; startMs: number; endMs: number; metrics: Record<string, number>; catalog: Catalog },
  problems: RecordProblem[],
): RollupFacts | undefined {
  const before = problems.length;
  if (r.source !== 'telemetry')
    problems.push({
      path: '/rollup',
      message: 'is telemetry merged over an hour; a declaration has none',
      value: r.source,
    });
  if (r.endMs - r.startMs !== HOUR_MS)
    problems.push({
      path: '/end',
      message: 'must be one hour after start: roll-ups travel by the hour',
      value: r.endMs,
    });
  for (const id in raw.aux) {
    const m = r.catalog.metricById.get(id);
    const v = raw.aux[id]!;
    const timed = m?.kind === 'delta' || (m?.kind === 'gauge' && m.stat !== 'max');
    if (!(id in r.metrics) || !m || (m.kind !== 'snapshot' && !timed))
      problems.push({
        path: `/rollup/aux/${id}`,
        message: 'belongs to a delta, mean or snapshot metric the record carries',
        value: v,
      });
    else if (!Number.isFinite(v) || v < 0 || (timed && v > HOUR_MS))
      problems.push({
        path: `/rollup/aux/${id}`,
        message:
          m.kind === 'gauge'
            ? 'must be the milliseconds of the hour behind the mean'
            : m.kind === 'delta'
              ? 'must be the milliseconds of the hour its records covered'
              : 'must be a time in ms',
        value: v,
      });
  }
  if (raw.covered_ms > HOUR_MS)
    problems.push({
      path: '/rollup/covered_ms',
      message: 'must be at most the hour (3600000 ms)',
      value: raw.covered_ms,
    });
  const first = raw.first_start === undefined ? null : parseTime(raw.first_start);
  const last = raw.last_end === undefined ? null : parseTime(raw.last_end);
  if (raw.records > 0 && (first === null || last === null))
    problems.push({ path: '/rollup', message: 'needs first_start and last_end when records > 0', value: raw.records });
  if (problems.length > before) return undefined;
  return {
    aux: { ...raw.aux },
    records: raw.records,
    coveredMs: raw.covered_ms,
    firstStartMs: raw.records > 0 ? first! : 0,
    lastEndMs: raw.records > 0 ? last! : 0,
  };
}

/** A roll-up as a record on the wire: the record contract plus its `rollup` bookkeeping (what parseRecord reads). */
export function rollupToWire(r: RollupRecord): CenterRecord & { rollup: object } {
  const f = r.rollup;
  return {
    center: r.center,
    start: new Date(r.startMs).toISOString(),
    end: new Date(r.endMs).toISOString(),
    metrics: r.metrics,
    ...(r.histograms ? { histograms: r.histograms } : {}),
    rollup: {
      aux: f.aux,
      records: f.records,
      covered_ms: f.coveredMs,
      ...(f.records > 0
        ? { first_start: new Date(f.firstStartMs).toISOString(), last_end: new Date(f.lastEndMs).toISOString() }
        : {}),
    },
  };
}

/** Validates a batch; valid records are returned, each invalid one is reported with its index and key. */
export function parseRecords(raws: unknown[], ctx: RecordContext): { records: ParsedRecord[]; errors: RecordError[] } {
  const records: ParsedRecord[] = [];
  const errors: RecordError[] = [];
  raws.forEach((raw, index) => {
    const { record, problems } = parseRecord(raw, ctx);
    if (record) records.push(record);
    else errors.push({ index, key: guessKey(raw), problems });
  });
  return { records, errors };
}

function guessKey(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { center?: unknown; start?: unknown; source?: unknown };
  if (typeof r.center !== 'string' || typeof r.start !== 'string') return undefined;
  const ms = Date.parse(r.start);
  if (!Number.isFinite(ms)) return undefined;
  return recordKey({ center: r.center, startMs: ms, source: r.source === 'declaration' ? 'declaration' : 'telemetry' });
}

/**
 * Finds overlapping telemetry intervals of one center (and overlapping declarations of the same metric).
 * Identical replays of one record are not overlaps: the caller drops them.
 */
export function findOverlaps(
  records: ParsedRecord[],
): Array<{ center: string; a: ParsedRecord; b: ParsedRecord; metric?: string }> {
  const out: Array<{ center: string; a: ParsedRecord; b: ParsedRecord; metric?: string }> = [];
  const streams = new Map<string, ParsedRecord[]>();
  for (const r of records) {
    if (r.source === 'telemetry') push(streams, `${r.center}`, r);
    else for (const m of Object.keys(r.metrics)) push(streams, `${r.center}\u0000${m}`, r);
  }
  for (const [k, list] of streams) {
    list.sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      if (cur.startMs < prev.endMs) {
        const [center, metric] = k.split('\u0000');
        out.push({ center: center!, a: prev, b: cur, ...(metric ? { metric } : {}) });
      }
    }
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Drops exact replays (same key and content) so a file replayed twice still evaluates once. */
export function dropReplays(records: ParsedRecord[]): ParsedRecord[] {
  const seen = new Map<string, string>();
  const out: ParsedRecord[] = [];
  for (const r of records) {
    const key = recordKey(r);
    const body = JSON.stringify([r.endMs, r.metrics, r.histograms ?? null]);
    const prev = seen.get(key);
    if (prev === body) continue;
    seen.set(key, body);
    out.push(r);
  }
  return out;
}
