/**
 * @module The InfluxDB schema of dims: measurement, tag, field and retention-policy names, and the
 * mapping between stored items and points. README.md beside this file documents it for dashboards.
 *
 * Identity rule: InfluxDB keeps one point per (measurement, tag set, time), and a second write
 * overwrites the fields it carries. So each item's identity maps onto tags + time:
 *   center_record:   (center, source) tags + time = record start
 *   indicator_value: (period_kind, level, code, indicator) tags + time = period start
 * Fields a replacement does not carry would survive an overwrite; the bookkeeping fields
 * `metric_ids` and `null_fields` say which fields belong to the current copy, so reads never
 * resurrect a stale field.
 */
import type { PeriodKind, StoredRecord, StoredValue } from '../types.ts';
import type { Histogram } from '../../model/records.ts';

export const MEASUREMENT_RECORD = 'center_record';
export const MEASUREMENT_VALUE = 'indicator_value';

/** Retention policy names. `values` would be the obvious name but is an InfluxQL keyword. */
export const RP_RAW = 'raw';
export const RP_RECENT = 'recent';
export const RP_LONG_TERM = 'long_term';

/** Default durations (InfluxQL duration literals); the deployment's config may override them. */
export const DEFAULT_RETENTION = { raw: '400d', recent: '400d', long_term: 'INF' } as const;
export type RetentionConfig = { raw?: string; recent?: string; long_term?: string };

/** Values of short periods expire with `recent`; months, quarters and years are kept in `long_term`. */
export function retentionPolicyFor(kind: PeriodKind): string {
  return kind === 'month' || kind === 'quarter' || kind === 'year' ? RP_LONG_TERM : RP_RECENT;
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

function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

function num(x: unknown): number {
  if (typeof x !== 'number') throw new Error(`influxdb: expected a number, got ${JSON.stringify(x)}`);
  return x;
}

export function rowToRecord(row: Row): StoredRecord {
  const metrics: Record<string, number> = {};
  const ids = str(row.metric_ids);
  for (const id of ids === '' ? [] : ids.split(',')) metrics[id] = num(row[id]);
  const rec: StoredRecord = {
    center: str(row.center),
    province: str(row.province),
    startMs: num(row.time),
    endMs: num(row.end_ms),
    source: row.source === 'declaration' ? 'declaration' : 'telemetry',
    metrics,
  };
  const layoutText = str(row.histograms);
  if (layoutText !== '') {
    const layout = JSON.parse(layoutText) as Record<string, number[]>;
    const histograms: Record<string, Histogram> = {};
    for (const [id, bounds] of Object.entries(layout)) {
      histograms[id] = {
        bounds,
        counts: [...bounds.map((b) => num(row[bucketField(id, b)])), num(row[bucketField(id, null)])],
      };
    }
    rec.histograms = histograms;
  }
  return rec;
}

export function rowToValue(row: Row): StoredValue {
  const nulls = new Set(str(row.null_fields).split(','));
  const nullable = (name: string): number | null => (nulls.has(name) ? null : num(row[name]));
  const reason = str(row.reason);
  return {
    period_kind: str(row.period_kind) as PeriodKind,
    period: str(row.period),
    level: str(row.level) as StoredValue['level'],
    code: str(row.code),
    indicator: str(row.indicator),
    province: str(row.province),
    dimension: str(row.dimension),
    fromMs: num(row.time),
    toMs: num(row.to_ms),
    computedAtMs: num(row.computed_at_ms),
    value: nullable('value'),
    unit: str(row.unit),
    numerator: nullable('numerator'),
    denominator: nullable('denominator'),
    centers: num(row.centers),
    coverage: { centers: nullable('coverage_centers'), it_energy: nullable('coverage_it_energy') },
    reason: reason === '' ? null : (reason as StoredValue['reason']),
  };
}
