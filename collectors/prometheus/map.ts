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
 * Applies every rule of every profile, in file order; `produced` (when given) collects how many samples each
 * profile gave. Non-finite values (NaN means "no reading" in
 * exporters) are skipped, so they never reach sums or storage.
 */
export function mapExposition(
  exp: Exposition,
  profiles: readonly Profile[],
  opts: MapOptions,
  produced?: Array<{ profile: string; samples: number }>,
): Sample[] {
  const byName = samplesByName(exp);
  const out: Sample[] = [];
  for (const profile of profiles) {
    const before = out.length;
    for (const rule of profile.rules) {
      if (rule.unless !== undefined && byName.has(rule.unless)) continue;
      out.push(...applyRule(rule, byName, opts));
    }
    if (produced !== undefined && out.length > before)
      produced.push({ profile: profile.name, samples: out.length - before });
  }
  return out;
}

/**
 * Every sample by its name. A family whose samples all have one name (a gauge, a counter: most of them)
 * lends its own array, read only here, instead of having it copied sample by sample.
 */
function samplesByName(exp: Exposition): Map<string, ParsedSample[]> {
  const byName = new Map<string, ParsedSample[]>();
  // Lists built here, which may grow; lent ones are copied before they would.
  const own = new Set<ParsedSample[]>();
  for (const fam of exp.families) {
    const samples = fam.samples;
    if (samples.length === 0) continue;
    const name = samples[0]!.name;
    let oneName = true;
    for (let i = 1; i < samples.length && oneName; i++) oneName = samples[i]!.name === name;
    if (oneName && !byName.has(name)) {
      byName.set(name, samples);
      continue;
    }
    for (const s of samples) {
      let list = byName.get(s.name);
      if (list === undefined) {
        byName.set(s.name, (list = []));
        own.add(list);
      } else if (!own.has(list)) {
        byName.set(s.name, (list = [...list]));
        own.add(list);
      }
      list.push(s);
    }
  }
  return byName;
}

interface Group {
  sample: Sample;
  distinct: Set<string>;
  /** Every part had a device timestamp (then the newest applies to the aggregate). */
  allTimestamped: boolean;
  newest: number;
}

/** Compiled regular expressions of profile specs, by source (profiles are fixed data: the cache stays small). */
const regexCache = new Map<string, RegExp>();

function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) regexCache.set(source, (re = new RegExp(`^(?:${source})$`)));
  return re;
}

/**
 * Results of a profile's regular expressions by input value, per spec: the same few values (a vendor code,
 * a device name) come back on every series of every scrape, and running the expression each time was a
 * tenth of a node_exporter page's mapping and most of its garbage. Bounded, as label values are not.
 */
const regexResults = new WeakMap<object, Map<string, string | boolean | undefined>>();
const REGEX_RESULTS_MAX = 1024;

/** The remembered results for `spec` (no closure per call: this runs for every series). */
function resultsOf(spec: object): Map<string, string | boolean | undefined> {
  let results = regexResults.get(spec);
  if (results === undefined) regexResults.set(spec, (results = new Map()));
  else if (results.size >= REGEX_RESULTS_MAX) results.clear();
  return results;
}

/** Whether `v` matches the `where` condition's regex. */
function matchesRegex(m: LabelMatch, v: string): boolean {
  const results = resultsOf(m);
  let ok = results.get(v) as boolean | undefined;
  if (ok === undefined) results.set(v, (ok = anchored(m.regex!).test(v)));
  return ok;
}

/** A non-empty raw value through the spec's regex: rewritten, kept or dropped (undefined). */
function rewrite(spec: LabelSpec, raw: string): string | undefined {
  const results = resultsOf(spec);
  if (results.has(raw)) return results.get(raw) as string | undefined;
  const m = anchored(spec.regex!).exec(raw);
  const v =
    m === null
      ? spec.unmatched === 'keep'
        ? raw
        : undefined
      : spec.replacement === undefined
        ? raw
        : spec.replacement.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  results.set(raw, v);
  return v;
}

function applyRule(rule: Rule, byName: Map<string, ParsedSample[]>, opts: MapOptions): Sample[] {
  const series =
    typeof rule.metric === 'string' ? (byName.get(rule.metric) ?? []) : rule.metric.flatMap((n) => byName.get(n) ?? []);
  // Once per rule, not per series: node_exporter alone has hundreds of cpu × mode series.
  const labelSpecs = Object.entries(rule.labels ?? {});
  const where = rule.where === undefined ? [] : Object.entries(rule.where);
  const joined = rule.join === undefined ? undefined : indexBy(byName.get(rule.join.metric) ?? [], rule.join.on);
  const scale = rule.scale ?? 1;
  // Output label values of the series at hand, in spec order; an object is only built for a sample kept.
  const values: Array<string | undefined> = new Array<string | undefined>(labelSpecs.length);
  const groups = new Map<string, Group>();
  // The group of the previous series and its device (its output labels are still in `values`).
  let last: Group | undefined;
  let lastDevice: string | undefined;
  const out: Sample[] = [];
  const ignored = rule.ignore_values;
  for (const s of series) {
    if (!Number.isFinite(s.value)) continue;
    if (ignored !== undefined && ignored.includes(s.value)) continue;
    let labels = s.labels;
    if (rule.join !== undefined && joined !== undefined) {
      const info = joined.get(keyOf(labels, rule.join.on));
      // The series' own labels win over borrowed ones.
      if (info !== undefined) labels = { ...info.labels, ...labels };
    }
    if (!matches(labels, where)) continue;
    const device = rule.device === undefined ? undefined : evalLabel(rule.device, labels);
    let same = last !== undefined && device === lastDevice;
    for (let i = 0; i < labelSpecs.length; i++) {
      const v = evalLabel(labelSpecs[i]![1], labels);
      if (v !== values[i]) same = false;
      values[i] = v;
    }
    const value = s.value * scale;
    const ts = opts.honorTimestamps ? s.timestampMs : undefined;
    if (rule.reduce === 'each') {
      const sample = newSample(rule, value, device, labelSpecs, values);
      if (ts !== undefined) sample.timestampMs = ts;
      out.push(sample);
      continue;
    }
    // Consecutive series mostly share a group (a sum over every CPU): the key is only built when the
    // device or an output label differs from the previous series'.
    let g = same ? last : undefined;
    if (g === undefined) {
      // Group key: device and output labels in the rule's fixed order (the same for every series of the rule).
      let key = device ?? '';
      for (let i = 0; i < labelSpecs.length; i++)
        if (values[i] !== undefined) key += `\u0000${labelSpecs[i]![0]}=${values[i]}`;
      g = groups.get(key);
      if (g === undefined) {
        g = {
          sample: newSample(rule, 0, device, labelSpecs, values),
          distinct: new Set(),
          allTimestamped: true,
          newest: -Infinity,
        };
        groups.set(key, g);
      }
      last = g;
      lastDevice = device;
    }
    if (ts === undefined) g.allTimestamped = false;
    else g.newest = Math.max(g.newest, ts);
    if (rule.reduce === 'sum') g.sample.value += value;
    else g.distinct.add(keyOf(labels, rule.distinct ?? []));
  }
  for (const g of groups.values()) {
    if (rule.reduce === 'count_distinct') g.sample.value = g.distinct.size;
    // An aggregate has a device timestamp only when every part had one; then the newest applies.
    if (g.allTimestamped) g.sample.timestampMs = g.newest;
    out.push(g.sample);
  }
  return out;
}

/** A dims sample of `rule` with the device and the output labels that have a value. */
function newSample(
  rule: Rule,
  value: number,
  device: string | undefined,
  labelSpecs: Array<[string, LabelSpec]>,
  values: Array<string | undefined>,
): Sample {
  const sample: Sample = { signal: rule.signal, value };
  if (device !== undefined) sample.device = device;
  let labels: Record<string, string> | undefined;
  for (let i = 0; i < labelSpecs.length; i++) {
    const v = values[i];
    if (v !== undefined) (labels ??= {})[labelSpecs[i]![0]] = v;
  }
  if (labels !== undefined) sample.labels = labels;
  return sample;
}

function indexBy(samples: ParsedSample[], on: string[]): Map<string, ParsedSample> {
  const m = new Map<string, ParsedSample>();
  for (const s of samples) m.set(keyOf(s.labels, on), s);
  return m;
}

function keyOf(labels: Record<string, string>, names: string[]): string {
  // One name (the usual `distinct`): its value is the key, without building a string per series.
  if (names.length === 1) return labels[names[0]!] ?? '';
  let k = '';
  for (const n of names) k += `${labels[n] ?? ''}\u0000`;
  return k;
}

function matches(labels: Record<string, string>, where: Array<[string, LabelMatch]>): boolean {
  for (const [name, m] of where) {
    const v = labels[name] ?? '';
    if (m.in !== undefined && !m.in.includes(v)) return false;
    if (m.not_in !== undefined && m.not_in.includes(v)) return false;
    if (m.regex !== undefined && !matchesRegex(m, v)) return false;
  }
  return true;
}

/** Evaluates a label spec against a series' labels; undefined means "no label". */
export function evalLabel(spec: LabelSpec, labels: Record<string, string>): string | undefined {
  if (spec.value !== undefined) return spec.value;
  let raw = '';
  for (const n of spec.from ?? []) {
    raw = labels[n] ?? '';
    if (raw !== '') break;
  }
  if (spec.nonempty !== undefined || spec.empty !== undefined) {
    const v = raw !== '' ? spec.nonempty : spec.empty;
    return v === '' ? undefined : v;
  }
  let v: string | undefined = raw === '' ? undefined : raw;
  if (v !== undefined && spec.regex !== undefined) v = rewrite(spec, v);
  if (v !== undefined && spec.map !== undefined) v = spec.map[v] ?? v;
  if (v === undefined || v === '') return spec.default;
  return v;
}
