/**
 * @module InfluxQL targets for Grafana's InfluxDB datasource (raw query mode) and the query shapes dims uses.
 *
 * The foundation SDK has no InfluxDB query type, so this is the custom Dataquery builder from the SDK README.
 * The shapes follow src/storage/influx/README.md: rolling-window indicator values live in "realtime"."indicator_value"
 * and are filtered with "reason" = '' so only current, non-null values show.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Level } from '../../src/model/values.ts';
import { INFLUX } from './datasources.ts';

/** The JSON Grafana stores for an InfluxQL raw query. */
export interface InfluxQLQuery {
  refId?: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
  _implementsDataqueryVariant(): void;
}

/** Builds one InfluxQL target. */
export class InfluxQL implements Builder<Dataquery> {
  private readonly q: InfluxQLQuery;
  constructor(query: string) {
    this.q = {
      datasource: INFLUX,
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      _implementsDataqueryVariant() {},
    };
  }
  refId(r: string): this {
    this.q.refId = r;
    return this;
  }
  alias(a: string): this {
    this.q.alias = a;
    return this;
  }
  table(): this {
    this.q.resultFormat = 'table';
    return this;
  }
  build(): InfluxQLQuery {
    return this.q;
  }
}

/** The measurement of indicator values in the RP that holds the rolling real-time windows. */
export const VALUES = '"realtime"."indicator_value"';
/**
 * Hour values (RP `recent`): where a center's history and latest values are read. The hub stores the rolling
 * window of the nation and provinces only (`engine.store_realtime: regions`, the default).
 */
export const HOUR_VALUES = '"recent"."indicator_value"';
/** The measurement of raw center records (default RP `raw`). */
export const RECORDS = '"raw"."center_record"';

/** Quotes a string literal for InfluxQL (single quotes, backslash-escaped). */
export function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `"tag" = 'literal'`, or a regexp match for a template variable (`$var`), which may hold several values. */
function match(tag: string, value: string): string {
  return value.startsWith('$') ? `"${tag}" =~ /^${value}$/` : `"${tag}" = ${lit(value)}`;
}

interface ValueFilter {
  /** Real-time windows (default; the nation and provinces) or hour values (centers). */
  kind?: 'realtime' | 'hour';
  /** An indicator id or a template variable such as `$indicator`. */
  indicator: string;
  level: Level;
  /** A literal province code or a template variable such as `$province` (matched as a regexp). */
  province?: string;
  code?: string;
}

function where(f: ValueFilter): string {
  const parts = [
    `"period_kind" = '${f.kind ?? 'realtime'}'`,
    `"level" = ${lit(f.level)}`,
    match('indicator', f.indicator),
    `"reason" = ''`,
  ];
  if (f.province !== undefined) parts.push(match('province', f.province));
  if (f.code !== undefined) parts.push(match('code', f.code));
  return `${parts.join(' AND ')} AND $timeFilter`;
}

/** The newest value of one indicator at one node (stat panels). */
export function lastValue(f: ValueFilter): string {
  return `SELECT last("value") AS "value" FROM ${f.kind === 'hour' ? HOUR_VALUES : VALUES} WHERE ${where(f)}`;
}

/** The newest value per node code (rankings, tables, the map). */
export function lastValueByCode(f: ValueFilter): string {
  return `SELECT last("value") AS "value" FROM ${f.kind === 'hour' ? HOUR_VALUES : VALUES} WHERE ${where(f)} GROUP BY "code"`;
}

/** A time series of values, one per node code. */
export function seriesByCode(f: ValueFilter): string {
  return `SELECT mean("value") AS "value" FROM ${f.kind === 'hour' ? HOUR_VALUES : VALUES} WHERE ${where(f)} GROUP BY time($__interval), "code" fill(none)`;
}

/** A time series of one node's values. */
export function series(f: ValueFilter): string {
  return `SELECT mean("value") AS "value" FROM ${f.kind === 'hour' ? HOUR_VALUES : VALUES} WHERE ${where(f)} GROUP BY time($__interval) fill(none)`;
}

/** Raw record fields of the chosen center over time, combined with `agg` per interval. */
export function recordFields(fields: string[], agg: 'sum' | 'mean' | 'max' | 'last'): string {
  const cols = fields.map((f) => `${agg}("${f}") AS "${f}"`).join(', ');
  return (
    `SELECT ${cols} FROM ${RECORDS} WHERE "center" =~ /^$center$/ AND "source" = 'telemetry' AND $timeFilter ` +
    `GROUP BY time($__interval) fill(none)`
  );
}

/** Variable query: tag values of a tag, optionally narrowed by a WHERE clause. */
export function tagValues(measurement: string, key: string, whereClause?: string): string {
  return `SHOW TAG VALUES FROM ${measurement} WITH KEY = "${key}"${whereClause ? ` WHERE ${whereClause}` : ''}`;
}
