/** @module Turns what the agent answered into samples, applying a profile's scales, states and sensor rules. */
import type { MissingReading, Sample } from '../types.ts';
import type { Profile, ProfileTable, Reading, Readout, SnmpValue } from './types.ts';

/** Samples plus human-readable problems (absent OIDs, non-numeric values) for the log. */
export interface MapResult {
  samples: Sample[];
  problems: string[];
  /** How many samples each profile produced, in sample order. */
  produced: Array<{ profile: string; samples: number }>;
  /** Scalars the profile reads that the device said do not exist: the read is partial. */
  missing: MissingReading[];
}

function fill(template: string, index: string, name: string, groups?: Record<string, string>): string {
  let out = template.replaceAll('{index}', index).replaceAll('{name}', name);
  for (const [k, v] of Object.entries(groups ?? {})) out = out.replaceAll(`{${k}}`, v);
  return out;
}

/** Compiled index patterns (profiles are fixed data: the cache stays small). */
const patterns = new Map<string, RegExp>();

function indexPattern(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) patterns.set(source, (re = new RegExp(`^(?:${source})$`)));
  return re;
}

function toNumber(v: SnmpValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  // Some agents serve readings as DisplayStrings ("23.5"); accept plain decimal text only.
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** Row indexes (the OID suffix after entry.column.) present for `columnOid`, in walk order. */
function rowsOf(values: Map<string, SnmpValue>, columnOid: string): string[] {
  const prefix = `${columnOid}.`;
  const rows: string[] = [];
  for (const oid of values.keys()) if (oid.startsWith(prefix)) rows.push(oid.slice(prefix.length));
  return rows;
}

function build(r: Reading, raw: number, multiplier: number, device: string, labels: Record<string, string>): Sample {
  const value = raw * multiplier * (r.scale ?? 1) + (r.offset ?? 0);
  const sample: Sample = { signal: r.signal, value: roundFloat(value) };
  if (device !== '') sample.device = device;
  const allLabels = { ...labels };
  if (r.states) allLabels.state = r.states[String(raw)] ?? 'unknown';
  if (Object.keys(allLabels).length > 0) sample.labels = allLabels;
  return sample;
}

/**
 * Removes binary floating-point noise (2345 × 0.1 = 234.50000000000003) without losing real precision. Whole
 * numbers pass untouched: a 64-bit octet counter has more than 12 significant digits, all of them real.
 */
function roundFloat(v: number): number {
  if (Number.isInteger(v)) return v;
  return Number.parseFloat(v.toPrecision(12));
}

function mapColumns(t: ProfileTable, out: Sample[], problems: string[], readout: Readout): void {
  for (const c of t.columns ?? []) {
    const columnOid = `${t.entry}.${c.column}`;
    const pattern = c.index_pattern === undefined ? undefined : indexPattern(c.index_pattern);
    for (const index of rowsOf(readout.values, columnOid)) {
      const match = pattern?.exec(index);
      if (pattern !== undefined && !match) continue;
      const groups = match?.groups;
      const name = nameOf(t, index, readout);
      if (name === undefined) continue;
      const oid = `${columnOid}.${index}`;
      const raw = toNumber(readout.values.get(oid));
      if (raw === undefined) {
        problems.push(`${c.name} (${oid}) is not a number: ${JSON.stringify(readout.values.get(oid))}`);
        continue;
      }
      if (c.ignore_values?.includes(raw)) continue;
      const labels = Object.fromEntries(
        Object.entries({ ...t.labels, ...c.labels }).map(([k, v]) => [k, fill(v, index, name, groups)]),
      );
      out.push(build(c, raw, 1, fill(c.device ?? t.device ?? '', index, name, groups), labels));
    }
  }
}

/**
 * The row's {name}: the name column's value, looked up in its `names` map when it has one. `undefined` means
 * the row is not read (its value is not in the map: a measurement point the profile does not want).
 */
function nameOf(t: ProfileTable, index: string, readout: Readout): string | undefined {
  if (!t.name_column) return index;
  const v = readout.values.get(`${t.name_column.entry}.${t.name_column.column}.${index}`);
  if (t.name_column.names !== undefined) return v === undefined ? undefined : t.name_column.names[String(v)];
  return v === undefined || v === '' ? index : String(v);
}

function mapSensors(t: ProfileTable, out: Sample[], problems: string[], readout: Readout): void {
  const s = t.sensor!;
  const at = (column: number, index: string) => readout.values.get(`${t.entry}.${column}.${index}`);
  for (const index of rowsOf(readout.values, `${t.entry}.${s.value_column}`)) {
    const type = toNumber(at(s.type_column, index));
    const units = s.units_column ? String(at(s.units_column, index) ?? '') : undefined;
    const rule = s.rules.find((r) => r.type === type && (r.units === undefined || r.units === units));
    if (!rule) continue;
    if (s.status_column !== undefined) {
      const status = toNumber(at(s.status_column, index));
      if (status === undefined || !(s.status_ok ?? [1]).includes(status)) continue;
    }
    const raw = toNumber(at(s.value_column, index));
    const scale = toNumber(at(s.scale_column, index));
    const precision = toNumber(at(s.precision_column, index));
    if (raw === undefined || scale === undefined || precision === undefined) {
      problems.push(`${t.name} row ${index}: value, scale or precision missing or not a number`);
      continue;
    }
    // RFC 3433: SensorDataScale code 9 = units, each step is a power of 1000; SensorPrecision = decimal places.
    const multiplier = 10 ** (3 * (scale - 9)) / 10 ** precision;
    const name = nameOf(t, index, readout);
    if (name === undefined) continue;
    const reading: Reading = { name: t.name, signal: rule.signal, scale: rule.scale ?? 1 };
    const labels = Object.fromEntries(
      Object.entries({ ...t.labels, ...rule.labels }).map(([k, v]) => [k, fill(v, index, name)]),
    );
    out.push(build(reading, raw, multiplier, fill(t.device ?? '', index, name), labels));
  }
}

/** Applies `profiles` to `readout`. Absent objects are reported in `problems`, never thrown. */
export function mapReadout(profiles: Profile[], readout: Readout): MapResult {
  const samples: Sample[] = [];
  const problems: string[] = [];
  const produced: MapResult['produced'] = [];
  const absent: MissingReading[] = [];
  const missing = new Set(readout.missing);
  for (const p of profiles) {
    const before = samples.length;
    for (const s of p.scalars ?? []) {
      if (missing.has(s.oid)) {
        const detail = `${p.name}: ${s.name} (${s.oid}) answered noSuchObject/noSuchInstance`;
        problems.push(detail);
        absent.push({ reading: s.signal, detail });
        continue;
      }
      const v = readout.values.get(s.oid);
      if (v === undefined) continue;
      const raw = toNumber(v);
      if (raw === undefined) {
        problems.push(`${p.name}: ${s.name} (${s.oid}) is not a number: ${JSON.stringify(v)}`);
        continue;
      }
      if (s.ignore_values?.includes(raw)) continue;
      samples.push(build(s, raw, 1, s.device ?? '', { ...s.labels }));
    }
    for (const t of p.tables ?? []) {
      if (t.sensor) mapSensors(t, samples, problems, readout);
      else mapColumns(t, samples, problems, readout);
    }
    if (samples.length > before) produced.push({ profile: p.name, samples: samples.length - before });
  }
  return { samples, problems, produced, missing: absent };
}
