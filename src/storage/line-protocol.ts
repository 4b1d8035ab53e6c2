/**
 * @module InfluxDB line protocol for dims' points, byte for byte as the InfluxDB adapter sends them.
 *
 * The adapter posts exactly these bytes to `/write`; the ingest benchmark's floor posts the same
 * pre-encoded points straight to `/write?db=…&rp=raw&precision=ms` to measure the server alone.
 */
import { MEASUREMENT_RECORD, bucketField, valueToPoint, type InfluxPoint } from './influx/schema.ts';
import type { StoredRecord, StoredValue } from './types.ts';

/** Escapes tag keys, tag values and field keys the way node-influx does (comma, equals sign, space). */
const NEEDS_ESCAPE = /[,= ]/;
function escapeKey(s: string): string {
  // Ids and metric names rarely need escaping; testing first avoids a replace per key on the hot path.
  return NEEDS_ESCAPE.test(s) ? s.replace(/[,= ]/g, '\\$&') : s;
}

/** Quotes a string field value (double quote and backslash escaped). */
const NEEDS_QUOTE_ESCAPE = /["\\]/;
function quote(s: string): string {
  return NEEDS_QUOTE_ESCAPE.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
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

/**
 * Encodes one center record straight to its line, byte for byte what encodePoint(recordToPoint(r))
 * gives for any record checkRecord accepts: ingest encodes every record it stores, and the
 * intermediate point (two objects with per-record keys) cost more than the encoding itself.
 * recordToPoint stays the schema's definition; a test holds the two paths to the same bytes.
 */
export function encodeRecord(r: StoredRecord): string {
  let line = seriesOf(r.center, r.province, r.source);
  const metrics = r.metrics;
  let sep = ' ';
  // metric_ids repeats from record to record (an agent sends the same metrics every interval):
  // the previous record's text is reused while the ids match it, instead of being joined again.
  let n = 0;
  let same = true;
  for (const id in metrics) {
    line += `${sep}${fieldKey(id)}${metrics[id]}`;
    if (same && lastIds[n] !== id) same = false;
    n++;
    sep = ',';
  }
  if (!same || n !== lastIds.length) {
    lastIds = Object.keys(metrics);
    lastIdsField = quote(lastIds.join(','));
  }
  line += `${sep}end_ms=${r.endMs},metric_ids=${lastIdsField}`;
  const hists = r.histograms;
  const histIds = hists ? Object.keys(hists) : [];
  if (histIds.length === 0) return `${line},histograms="" ${r.startMs}`;
  histIds.sort();
  let buckets = '';
  const layout: Record<string, number[]> = {};
  for (const id of histIds) {
    const h = hists![id]!;
    layout[id] = h.bounds;
    for (let i = 0; i < h.bounds.length; i++) buckets += `,${escapeKey(bucketField(id, h.bounds[i]!))}=${h.counts[i]}`;
    buckets += `,${escapeKey(bucketField(id, null))}=${h.counts[h.bounds.length]}`;
  }
  return `${line},histograms=${quote(JSON.stringify(layout))}${buckets} ${r.startMs}`;
}

/** The metric ids of the last record encoded, and their metric_ids field value. */
let lastIds: string[] = [];
let lastIdsField = '""';

/** Bounded caches of the parts every record repeats: its series (measurement and tags) and field keys. */
const MAX_CACHED = 100_000;
const series = new Map<string, { province: string; telemetry?: string; declaration?: string }>();
const fieldKeys = new Map<string, string>();

/** `center_record,center=…[,province=…],source=…`: one text per center, province and source. */
function seriesOf(center: string, province: string, source: StoredRecord['source']): string {
  // Keyed by center alone (no key text to build per record); a center that changed province starts over.
  let c = series.get(center);
  if (c === undefined || c.province !== province) {
    if (series.size >= MAX_CACHED) series.clear();
    series.set(center, (c = { province }));
  }
  return (c[source] ??=
    `${MEASUREMENT_RECORD},center=${escapeKey(center)}${province !== '' ? `,province=${escapeKey(province)}` : ''},source=${escapeKey(source)}`);
}

/** `id=`, escaped. */
function fieldKey(id: string): string {
  let k = fieldKeys.get(id);
  if (k === undefined) {
    k = `${escapeKey(id)}=`;
    if (fieldKeys.size >= MAX_CACHED) fieldKeys.clear();
    fieldKeys.set(id, k);
  }
  return k;
}

/** Line protocol for center records (retention policy `raw`, precision ms), one line each. */
export function encodeRecords(records: readonly StoredRecord[]): string {
  return records.map(encodeRecord).join('\n');
}

/** Characters of lines gathered before they are written into the body (well below V8's large-object size). */
const CHUNK_CHARS = 32_000;

/**
 * One request body: the items' lines, newline-separated, UTF-8. Lines are gathered into chunks of
 * ~32 K characters, each written into one growing buffer: far cheaper than joining a 300 KB string
 * (V8 puts strings over ~128 KB in large-object space) and cheaper than one write per line.
 */
export function encodeBody<T>(items: readonly T[], encode: (item: T) => string): Buffer<ArrayBuffer> {
  // Room for typical lines (a center record is about 300 bytes), so the buffer rarely has to grow.
  let buf = Buffer.allocUnsafe(items.length * 512 + 1024);
  let n = 0;
  let chunk = '';
  for (let i = 0; i < items.length; i++) {
    chunk += i === 0 ? encode(items[i]!) : `\n${encode(items[i]!)}`;
    if (chunk.length < CHUNK_CHARS && i < items.length - 1) continue;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: grow before the chunk could overflow.
    const need = n + chunk.length * 3;
    if (need > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, need));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    n += buf.write(chunk, n);
    chunk = '';
  }
  return buf.subarray(0, n);
}

/** One indicator value's line (values are few per write, so they go through the point). */
export function encodeValue(v: StoredValue): string {
  return encodePoint(valueToPoint(v));
}

/** Line protocol for indicator values (RP `recent` or `long_term` by period kind, precision ms). */
export function encodeValues(values: readonly StoredValue[]): string {
  return values.map(encodeValue).join('\n');
}
