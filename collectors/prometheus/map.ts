/** @module Turns parsed exporter samples into dims samples by interpreting profile rules (no exporter names in code). */
import type { Sample } from '../types.ts';
import type { Exposition, ParsedSample } from './parse.ts';
import type { LabelMatch, LabelSpec, Profile, Rule } from './profile.ts';

/** Options for mapping. */
export interface MapOptions {
  /** Keep timestamps the exporter wrote on samples (Prometheus `honor_timestamps`). */
  honorTimestamps: boolean;
}

/**
 * Applies every rule of every profile, in file order. Non-finite values (NaN means "no reading" in
 * exporters) are skipped, so they never reach sums or storage.
 */
export function mapExposition(exp: Exposition, profiles: readonly Profile[], opts: MapOptions): Sample[] {
  const byName = new Map<string, ParsedSample[]>();
  for (const fam of exp.families) {
    for (const s of fam.samples) {
      let list = byName.get(s.name);
      if (list === undefined) byName.set(s.name, (list = []));
      list.push(s);
    }
  }
  const out: Sample[] = [];
  for (const profile of profiles) {
    for (const rule of profile.rules) out.push(...applyRule(rule, byName, opts));
  }
  return out;
}

interface Group {
  sample: Sample;
  distinct: Set<string>;
  timestamps: Array<number | undefined>;
}

/** Compiled regular expressions of profile specs, by source (profiles are fixed data: the cache stays small). */
const regexCache = new Map<string, RegExp>();

function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) regexCache.set(source, (re = new RegExp(`^(?:${source})$`)));
  return re;
}

function applyRule(rule: Rule, byName: Map<string, ParsedSample[]>, opts: MapOptions): Sample[] {
  const series = (typeof rule.metric === 'string' ? [rule.metric] : rule.metric).flatMap((n) => byName.get(n) ?? []);
  // Once per rule, not per series: node_exporter alone has hundreds of cpu × mode series.
  const labelSpecs = Object.entries(rule.labels ?? {});
  const where = rule.where === undefined ? [] : Object.entries(rule.where);
  const joined = rule.join === undefined ? undefined : indexBy(byName.get(rule.join.metric) ?? [], rule.join.on);
  const groups = new Map<string, Group>();
  const out: Sample[] = [];
  for (const s of series) {
    if (!Number.isFinite(s.value)) continue;
    let labels = s.labels;
    if (rule.join !== undefined && joined !== undefined) {
      const info = joined.get(keyOf(labels, rule.join.on));
      // The series' own labels win over borrowed ones.
      if (info !== undefined) labels = { ...info.labels, ...labels };
    }
    if (!matches(labels, where)) continue;
    const sample: Sample = { signal: rule.signal, value: s.value * (rule.scale ?? 1) };
    const device = rule.device === undefined ? undefined : evalLabel(rule.device, labels);
    if (device !== undefined) sample.device = device;
    const outLabels: Record<string, string> = {};
    // Group key: device and output labels in the rule's fixed order (the same for every series of the rule).
    let key = device ?? '';
    let any = false;
    for (const [name, spec] of labelSpecs) {
      const v = evalLabel(spec, labels);
      if (v !== undefined) {
        outLabels[name] = v;
        key += `\u0000${name}=${v}`;
        any = true;
      }
    }
    if (any) sample.labels = outLabels;
    const ts = opts.honorTimestamps ? s.timestampMs : undefined;
    if (rule.reduce === 'each') {
      if (ts !== undefined) sample.timestampMs = ts;
      out.push(sample);
      continue;
    }
    let g = groups.get(key);
    if (g === undefined) {
      g = { sample: { ...sample, value: 0 }, distinct: new Set(), timestamps: [] };
      groups.set(key, g);
    }
    g.timestamps.push(ts);
    if (rule.reduce === 'sum') g.sample.value += sample.value;
    else g.distinct.add(keyOf(labels, rule.distinct ?? []));
  }
  for (const g of groups.values()) {
    if (rule.reduce === 'count_distinct') g.sample.value = g.distinct.size;
    // An aggregate has a device timestamp only when every part had one; then the newest applies.
    if (g.timestamps.every((t) => t !== undefined)) g.sample.timestampMs = Math.max(...(g.timestamps as number[]));
    out.push(g.sample);
  }
  return out;
}

function indexBy(samples: ParsedSample[], on: string[]): Map<string, ParsedSample> {
  const m = new Map<string, ParsedSample>();
  for (const s of samples) m.set(keyOf(s.labels, on), s);
  return m;
}

function keyOf(labels: Record<string, string>, names: string[]): string {
  let k = '';
  for (const n of names) k += `${labels[n] ?? ''}\u0000`;
  return k;
}

function matches(labels: Record<string, string>, where: Array<[string, LabelMatch]>): boolean {
  for (const [name, m] of where) {
    const v = labels[name] ?? '';
    if (m.in !== undefined && !m.in.includes(v)) return false;
    if (m.not_in !== undefined && m.not_in.includes(v)) return false;
    if (m.regex !== undefined && !anchored(m.regex).test(v)) return false;
  }
  return true;
}

/** Evaluates a label spec against a series' labels; undefined means "no label". */
export function evalLabel(spec: LabelSpec, labels: Record<string, string>): string | undefined {
  if (spec.value !== undefined) return spec.value;
  const raw = (spec.from ?? []).map((n) => labels[n] ?? '').find((v) => v !== '') ?? '';
  if (spec.nonempty !== undefined || spec.empty !== undefined) {
    const v = raw !== '' ? spec.nonempty : spec.empty;
    return v === '' ? undefined : v;
  }
  let v: string | undefined = raw === '' ? undefined : raw;
  if (v !== undefined && spec.regex !== undefined) {
    const m = anchored(spec.regex).exec(v);
    if (m === null) v = spec.unmatched === 'keep' ? v : undefined;
    else if (spec.replacement !== undefined) v = spec.replacement.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  }
  if (v !== undefined && spec.map !== undefined) v = spec.map[v] ?? v;
  if (v === undefined || v === '') return spec.default;
  return v;
}
