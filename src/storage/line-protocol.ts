/**
 * @module InfluxDB line protocol for dims' points, byte for byte as the InfluxDB adapter sends them.
 *
 * The adapter writes through node-influx's writePoints; a benchmark floor needs the same points
 * pre-encoded so it can POST them straight to `/write?db=…&rp=raw&precision=ms` and measure the
 * server alone. A test compares this encoder's output with the body node-influx actually sends.
 */
import { recordToPoint, valueToPoint, type InfluxPoint } from './influx/schema.ts';
import type { StoredRecord, StoredValue } from './types.ts';

/** Escapes tag keys, tag values and field keys the way node-influx does (comma, equals sign, space). */
function escapeKey(s: string): string {
  return s.replace(/[,= ]/g, '\\$&');
}

/** Quotes a string field value (double quote and backslash escaped). */
function quote(s: string): string {
  // node-influx first doubles the backslash of the first `\'`; checkValue/checkRecord keep such text
  // out of tags, and it is reproduced here for string fields so the bytes match exactly.
  const pre = s.replace(/\\'/, "\\\\'");
  return `"${pre.replace(/["\\]/g, '\\$&')}"`;
}

/** Encodes one point: measurement, tags in key order, fields sorted by key, timestamp (ms). */
export function encodePoint(p: InfluxPoint): string {
  let line = p.measurement;
  for (const [k, v] of Object.entries(p.tags)) line += `,${escapeKey(k)}=${escapeKey(v)}`;
  const keys = Object.keys(p.fields).sort();
  keys.forEach((k, i) => {
    const v = p.fields[k]!;
    line += `${i === 0 ? ' ' : ','}${escapeKey(k)}=${typeof v === 'string' ? quote(v) : String(v)}`;
  });
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
