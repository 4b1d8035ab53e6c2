/**
 * @module InfluxDB line protocol for dims' points, byte for byte as the InfluxDB adapter sends them.
 *
 * The adapter posts exactly these bytes to `/write`; the ingest benchmark's floor posts the same
 * pre-encoded points straight to `/write?db=…&rp=raw&precision=ms` to measure the server alone.
 */
import { recordToPoint, valueToPoint, type InfluxPoint } from './influx/schema.ts';
import type { StoredRecord, StoredValue } from './types.ts';

/** Escapes tag keys, tag values and field keys the way node-influx does (comma, equals sign, space). */
const NEEDS_ESCAPE = /[,= ]/;
function escapeKey(s: string): string {
  // Ids and metric names rarely need escaping; testing first avoids a replace per key on the hot path.
  return NEEDS_ESCAPE.test(s) ? s.replace(/[,= ]/g, '\\$&') : s;
}

/** Quotes a string field value (double quote and backslash escaped). */
function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** Encodes one point: measurement, tags in key order (as InfluxDB prefers), fields, timestamp (ms). */
export function encodePoint(p: InfluxPoint): string {
  let line = p.measurement;
  const tags = p.tags;
  for (const k in tags) line += `,${escapeKey(k)}=${escapeKey(tags[k]!)}`;
  let sep = ' ';
  const fields = p.fields;
  for (const k in fields) {
    const v = fields[k]!;
    line += `${sep}${escapeKey(k)}=${typeof v === 'string' ? quote(v) : String(v)}`;
    sep = ',';
  }
  return `${line} ${p.timestamp}`;
}

/** Line protocol for center records (retention policy `raw`, precision ms), one line each. */
export function encodeRecords(records: readonly StoredRecord[]): string {
  return records.map((r) => encodePoint(recordToPoint(r))).join('\n');
}

/** Line protocol for indicator values (RP `recent` or `long_term` by period kind, precision ms). */
export function encodeValues(values: readonly StoredValue[]): string {
  return values.map((v) => encodePoint(valueToPoint(v))).join('\n');
}
