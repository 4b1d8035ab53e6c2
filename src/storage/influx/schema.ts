/**
 * @module The InfluxDB schema of dims: measurement, tag, field and retention-policy names, and the
 * mapping between stored items and points. README.md beside this file documents it for dashboards.
 *
 * Identity rule: InfluxDB keeps one point per (measurement, tag set, time), and a second write
 * overwrites the fields it carries. So each item's identity maps onto tags + time:
 *   center_record:   (center, source) tags + time = record start
 *   indicator_value: (period_kind, level, code, indicator) tags + time = period start
 *   center_rollup:   (center, kind) tags + time = period start
 * Fields a replacement does not carry would survive an overwrite; the bookkeeping fields
 * `metric_ids` and `null_fields` say which fields belong to the current copy, so reads never
 * resurrect a stale field. A roll-up carries its metrics in one field, `_body`, which a rewrite always replaces.
 */
import {
  tierOf,
  type PeriodKind,
  type StoredRecord,
  type StoredRollup,
  type StoredValue,
  type Tier,
} from '../types.ts';
import type { Histogram } from '../../model/records.ts';

export const MEASUREMENT_RECORD = 'center_record';
export const MEASUREMENT_VALUE = 'indicator_value';
export const MEASUREMENT_ROLLUP = 'center_rollup';

/** Retention policy names, one per storage tier. `values` would be the obvious name but is an InfluxQL keyword. */
export const RP_RAW = 'raw';
export const RP_REALTIME = 'realtime';
export const RP_RECENT = 'recent';
export const RP_LONG_TERM = 'long_term';
export const RP_OF_TIER: Record<Tier, string> = {
  raw: RP_RAW,
  realtime: RP_REALTIME,
  recent: RP_RECENT,
  long_term: RP_LONG_TERM,
};

/** The retention policy of a value by its period kind: realtime, hours in `recent`, the rest long-term. */
export function retentionPolicyFor(kind: PeriodKind): string {
  return RP_OF_TIER[tierOf({ period_kind: kind })];
}

/** Field key of one histogram bucket: per-bucket (not cumulative) count with upper bound `le`. */
export function bucketField(histogramId: string, bound: number | null): string {
  return `${histogramId}_le_${bound === null ? 'inf' : String(bound)}`;
}

/** The nullable numeric fields of indicator_value; `null_fields` lists those that are null. */
const NULLABLE_VALUE_FIELDS = ['value', 'numerator', 'denominator', 'coverage_centers', 'coverage_it_energy'] as const;

/** A point as node-influx's writePoints takes it (tags and fields in key order, timestamp in ms). */
export interface InfluxPoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string>;
  timestamp: number;
}

function tagsOf(entries: [string, string][]): Record<string, string> {
  // Empty tag values cannot be written; a missing tag reads back as ''. Keys sorted, as InfluxDB stores them.
  const tags: Record<string, string> = {};
  for (const [k, v] of entries.sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (v !== '') tags[k] = v;
  return tags;
}

export function recordToPoint(r: StoredRecord): InfluxPoint {
  const fields: Record<string, number | string> = {};
  const metricIds = Object.keys(r.metrics);
  for (const id of metricIds) fields[id] = r.metrics[id]!;
  fields.end_ms = r.endMs;
  fields.metric_ids = metricIds.join(',');
  const histIds = Object.keys(r.histograms ?? {}).sort();
  // Always written ('' = none), so a replacement without histograms hides the earlier buckets.
  fields.histograms = '';
  if (histIds.length > 0) {
    const layout: Record<string, number[]> = {};
    for (const id of histIds) {
      const h = r.histograms![id]!;
      layout[id] = h.bounds;
      h.bounds.forEach((b, i) => (fields[bucketField(id, b)] = h.counts[i]!));
      fields[bucketField(id, null)] = h.counts[h.bounds.length]!;
    }
    fields.histograms = JSON.stringify(layout);
  }
  // Tags already in key order (center < province < source); an empty province is left out.
  const tags: Record<string, string> =
    r.province === ''
      ? { center: r.center, source: r.source }
      : { center: r.center, province: r.province, source: r.source };
  return {
    measurement: MEASUREMENT_RECORD,
    tags,
    fields,
    timestamp: r.startMs,
  };
}

export function valueToPoint(v: StoredValue): InfluxPoint {
  const numeric: Record<(typeof NULLABLE_VALUE_FIELDS)[number], number | null> = {
    value: v.value,
    numerator: v.numerator,
    denominator: v.denominator,
    coverage_centers: v.coverage.centers,
    coverage_it_energy: v.coverage.it_energy,
  };
  const fields: Record<string, number | string> = {};
  const nulls: string[] = [];
  for (const name of NULLABLE_VALUE_FIELDS) {
    const x = numeric[name];
    if (x === null) nulls.push(name);
    else fields[name] = x;
  }
  fields.centers = v.centers;
  fields.unit = v.unit;
  // Always written ('' = no reason) so a recomputed, non-null value clears an earlier reason.
  fields.reason = v.reason ?? '';
  fields.period = v.period;
  fields.to_ms = v.toMs;
  fields.computed_at_ms = v.computedAtMs;
  fields.null_fields = nulls.join(',');
  return {
    measurement: MEASUREMENT_VALUE,
    tags: tagsOf([
      ['period_kind', v.period_kind],
      ['level', v.level],
      ['province', v.province],
      ['code', v.code],
      ['indicator', v.indicator],
      ['dimension', v.dimension],
    ]),
    fields,
    timestamp: v.fromMs,
  };
}

/** One row of a query answer, keyed by column (fields and tags), plus the series' GROUP BY tags. */
export type Row = Record<string, unknown>;

/** Flattens InfluxDB's JSON answer (one statement) into rows; GROUP BY tags are merged into each row. */
export function rowsOf(result: unknown): Row[] {
  const series = (result as { series?: { tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] })
    .series;
  const rows: Row[] = [];
  for (const s of series ?? []) {
    for (const values of s.values) {
      const row: Row = { ...(s.tags ?? {}) };
      s.columns.forEach((c, i) => (row[c] = values[i]));
      rows.push(row);
    }
  }
  return rows;
}

/**
 * A row whose point InfluxDB has not made wholly visible: it stores each field of a point as a series of its own
 * and applies a write field by field, so a query running while a point is written can see some of its fields and
 * not others (influxdata/influxdb#8546, closed as won't fix). The point is complete once its write returns; the
 * adapter reads such a row again rather than take the missing field for a null or a missing metric.
 */
export class IncompleteRowError extends Error {
  readonly field: string;
  constructor(measurement: string, row: Row, field: string) {
    const id = ['center', 'source', 'kind', 'period_kind', 'level', 'code', 'indicator']
      .filter((k) => typeof row[k] === 'string' && row[k] !== '')
      .map((k) => `${k}=${String(row[k])}`)
      .join(',');
    const at = typeof row.time === 'number' ? new Date(row.time).toISOString() : String(row.time);
    super(`influxdb: ${measurement} point ${id} at ${at} has no field "${field}"`);
    this.name = 'IncompleteRowError';
    this.field = field;
  }
}

/** Reads the fields of one row; a field the point must carry but the row lacks throws IncompleteRowError. */
class RowReader {
  readonly row: Row;
  private readonly measurement: string;
  constructor(measurement: string, row: Row) {
    this.measurement = measurement;
    this.row = row;
  }
  /** A numeric field the point carries (a metric its `metric_ids` lists, a bookkeeping number). */
  num(name: string): number {
    const x = this.row[name];
    if (typeof x === 'number') return x;
    if (x === null || x === undefined) throw new IncompleteRowError(this.measurement, this.row, name);
    throw new Error(`influxdb: ${this.measurement} field "${name}" holds ${JSON.stringify(x)}, not a number`);
  }
  /** A string field every copy of the point is written with (bookkeeping: '' when empty). */
  str(name: string): string {
    const x = this.row[name];
    if (typeof x === 'string') return x;
    if (x === null || x === undefined) throw new IncompleteRowError(this.measurement, this.row, name);
    throw new Error(`influxdb: ${this.measurement} field "${name}" holds ${JSON.stringify(x)}, not a string`);
  }
}

/** A tag: absent (empty tag values are not written) reads as ''. */
function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

export function rowToRecord(row: Row, measurement = MEASUREMENT_RECORD): StoredRecord {
  const f = new RowReader(measurement, row);
  const metrics: Record<string, number> = {};
  const ids = f.str('metric_ids');
  const layoutText = f.str('histograms');
  for (const id of ids === '' ? [] : ids.split(',')) metrics[id] = f.num(id);
  const rec: StoredRecord = {
    center: str(row.center),
    province: str(row.province),
    startMs: f.num('time'),
    endMs: f.num('end_ms'),
    source: row.source === 'declaration' ? 'declaration' : 'telemetry',
    metrics,
  };
  if (layoutText !== '') {
    const layout = JSON.parse(layoutText) as Record<string, number[]>;
    const histograms: Record<string, Histogram> = {};
    for (const [id, bounds] of Object.entries(layout)) {
      histograms[id] = {
        bounds,
        counts: [...bounds.map((b) => f.num(bucketField(id, b))), f.num(bucketField(id, null))],
      };
    }
    rec.histograms = histograms;
  }
  return rec;
}

export function rowToValue(row: Row): StoredValue {
  const f = new RowReader(MEASUREMENT_VALUE, row);
  const nulls = new Set(f.str('null_fields').split(','));
  const nullable = (name: string): number | null => (nulls.has(name) ? null : f.num(name));
  const reason = f.str('reason');
  return {
    period_kind: str(row.period_kind) as PeriodKind,
    period: f.str('period'),
    level: str(row.level) as StoredValue['level'],
    code: str(row.code),
    indicator: str(row.indicator),
    province: str(row.province),
    dimension: str(row.dimension),
    fromMs: f.num('time'),
    toMs: f.num('to_ms'),
    computedAtMs: f.num('computed_at_ms'),
    value: nullable('value'),
    unit: f.str('unit'),
    numerator: nullable('numerator'),
    denominator: nullable('denominator'),
    centers: f.num('centers'),
    coverage: { centers: nullable('coverage_centers'), it_energy: nullable('coverage_it_energy') },
    reason: reason === '' ? null : (reason as StoredValue['reason']),
  };
}

/**
 * Bookkeeping fields of a roll-up point. They start with `_`, which no metric id can (ids are snake_case
 * starting with a letter), so they never clash with a metric's field.
 */
const AUX_PREFIX = '_aux_';

/**
 * The fields of a roll-up point, read by name: InfluxDB 1.x pays per field per point on reads, and a roll-up
 * written one field per metric (40-odd, plus aux and buckets) cost about 16 times as much to read as one field.
 * `_body` holds the metrics, aux and histograms as JSON; the rest are numbers a query can use without decoding.
 */
export const ROLLUP_FIELDS = ['_body', 'end_ms', '_records', '_covered_ms', '_first_start_ms', '_last_end_ms'] as const;

/** `_body` of a roll-up point: metrics, aux (left out when empty) and histograms (left out when none), by id. */
interface RollupBody {
  m: Record<string, number>;
  a?: Record<string, number>;
  h?: Record<string, Histogram>;
}

/**
 * A roll-up point (measurement `center_rollup`): tags center, kind, province; time = start; fields `_body`
 * (JSON: JavaScript's shortest round-trip form of each number, so values read back exactly), `end_ms`,
 * `_records`, `_covered_ms`, `_first_start_ms`, `_last_end_ms`.
 */
export function rollupToPoint(r: StoredRollup): InfluxPoint {
  const f = r.rollup;
  const body: RollupBody = { m: r.metrics };
  if (Object.keys(f.aux).length > 0) body.a = f.aux;
  const histIds = Object.keys(r.histograms ?? {});
  if (histIds.length > 0) {
    body.h = {};
    for (const id of histIds) body.h[id] = { bounds: r.histograms![id]!.bounds, counts: r.histograms![id]!.counts };
  }
  const tags: Record<string, string> = { center: r.center, kind: r.kind };
  if (r.province !== '') tags.province = r.province;
  return {
    measurement: MEASUREMENT_ROLLUP,
    tags,
    fields: {
      _body: JSON.stringify(body),
      end_ms: r.endMs,
      _records: f.records,
      _covered_ms: f.coveredMs,
      _first_start_ms: f.firstStartMs,
      _last_end_ms: f.lastEndMs,
    },
    timestamp: r.startMs,
  };
}

/**
 * A roll-up from a row: from `_body` and the numeric fields when the row has a `_body` (a point without one of
 * those is still being written: IncompleteRowError); otherwise from the per-field layout earlier versions wrote
 * (one field per metric, `_aux_<metric>`, buckets, `metric_ids`, `histograms`, `_aux_ids`), which needs the
 * row of `SELECT *`. A point of the old layout rewritten in the compact one keeps its old fields (InfluxDB
 * merges the fields of points with the same series and time): the body wins.
 */
export function rowToRollup(row: Row): StoredRollup {
  return typeof row._body === 'string' ? compactRowToRollup(row, row._body) : perFieldRowToRollup(row);
}

function compactRowToRollup(row: Row, text: string): StoredRollup {
  const f = new RowReader(MEASUREMENT_ROLLUP, row);
  let body: RollupBody;
  try {
    body = JSON.parse(text) as RollupBody;
  } catch (err) {
    throw new Error(
      `influxdb: ${MEASUREMENT_ROLLUP} point center=${str(row.center)} at ${String(row.time)}: _body is not JSON (${(err as Error).message})`,
    );
  }
  if (body === null || typeof body !== 'object' || body.m === null || typeof body.m !== 'object')
    throw new Error(`influxdb: ${MEASUREMENT_ROLLUP} point center=${str(row.center)}: _body has no metrics ("m")`);
  const out: StoredRollup = {
    center: str(row.center),
    province: str(row.province),
    startMs: f.num('time'),
    endMs: f.num('end_ms'),
    source: 'telemetry',
    metrics: body.m,
    kind: str(row.kind) as StoredRollup['kind'],
    rollup: {
      aux: body.a ?? {},
      records: f.num('_records'),
      coveredMs: f.num('_covered_ms'),
      firstStartMs: f.num('_first_start_ms'),
      lastEndMs: f.num('_last_end_ms'),
    },
  };
  if (body.h !== undefined) out.histograms = body.h;
  return out;
}

/** A roll-up from a `SELECT *` row of a point written one field per metric (before the compact layout). */
function perFieldRowToRollup(row: Row): StoredRollup {
  const rec = rowToRecord(row, MEASUREMENT_ROLLUP);
  const f = new RowReader(MEASUREMENT_ROLLUP, row);
  const aux: Record<string, number> = {};
  const ids = f.str('_aux_ids');
  for (const id of ids === '' ? [] : ids.split(',')) aux[id] = f.num(`${AUX_PREFIX}${id}`);
  const out: StoredRollup = {
    ...rec,
    source: 'telemetry',
    kind: str(row.kind) as StoredRollup['kind'],
    rollup: {
      aux,
      records: f.num('_records'),
      coveredMs: f.num('_covered_ms'),
      firstStartMs: f.num('_first_start_ms'),
      lastEndMs: f.num('_last_end_ms'),
    },
  };
  return out;
}
