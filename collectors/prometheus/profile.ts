/** @module Exporter profiles: YAML files mapping exporter metrics to dims signals, loaded and schema-checked. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Signal } from '../types.ts';
import { compileSchema } from '../validate.ts';
import profileSchema from './profiles/profile.schema.json' with { type: 'json' };

/** How one output label (or the device) is computed from a series' labels. */
export interface LabelSpec {
  /** A constant. */
  value?: string;
  /** Source labels, first non-empty wins. */
  from?: string[];
  /** Anchored regular expression applied to the source value. */
  regex?: string;
  /** Rewrite with `$1`.. groups when `regex` matches. */
  replacement?: string;
  /** What to do when `regex` does not match: drop the label (default) or keep the source value. */
  unmatched?: 'drop' | 'keep';
  /** Translation of values (after regex), e.g. GenuineIntel → Intel. */
  map?: Record<string, string>;
  /** Output this when a source is non-empty (e.g. allocated = '1' when a pod holds the device). */
  nonempty?: string;
  /** Output this when no source is non-empty. */
  empty?: string;
  /** Output this when nothing else produced a value. */
  default?: string;
}

/** A filter on one source label; a missing label counts as the empty string. */
export interface LabelMatch {
  in?: string[];
  not_in?: string[];
  regex?: string;
}

/** One mapping: samples named `metric` become `signal` samples. */
export interface Rule {
  /** Sample name, or names meaning the same metric (an OpenMetrics exposition adds _total to counters). */
  metric: string | string[];
  signal: Signal;
  /** each: one sample per series; sum: add series with equal output labels; count_distinct: count distinct `distinct` tuples. */
  reduce: 'each' | 'sum' | 'count_distinct';
  distinct?: string[];
  where?: Record<string, LabelMatch>;
  /** Borrow labels from an info-style metric with the same `on` label values (e.g. the NPU name by chip id). */
  join?: { metric: string; on: string[] };
  /** A fallback: skip this rule when the exposition has this metric (e.g. BMC power sensors only without DCMI). */
  unless?: string;
  scale?: number;
  /** Raw values meaning "not supported" (e.g. -1): those series are skipped. */
  ignore_values?: number[];
  device?: LabelSpec;
  labels?: Record<string, LabelSpec>;
}

/** A parsed, validated profile. */
export interface Profile {
  name: string;
  description: string;
  rules: Rule[];
}

const PROFILE_DIR = join(import.meta.dirname, 'profiles');
const validateProfile = compileSchema(profileSchema);

/** Parses and validates one profile's YAML text; `source` names the file in errors. */
export function parseProfile(text: string, source: string): Profile {
  const data: unknown = parseYaml(text);
  const problems = validateProfile(data);
  if (problems.length > 0) throw new Error(`profile ${source}: ${problems.join('; ')}`);
  const profile = data as Profile;
  for (const rule of profile.rules) {
    // Compile regexes now so a bad pattern fails at load, naming the file, not at the first scrape.
    const patterns = [
      ...Object.values(rule.where ?? {}).map((m) => m.regex),
      ...Object.values(rule.labels ?? {}).map((l) => l.regex),
      rule.device?.regex,
    ];
    for (const p of patterns) {
      if (p === undefined) continue;
      try {
        new RegExp(p);
      } catch (err) {
        throw new Error(
          `profile ${source}: rule for ${rule.metric}: invalid regex ${JSON.stringify(p)}: ${(err as Error).message}`,
        );
      }
    }
    if (rule.reduce === 'count_distinct' && (rule.distinct ?? []).length === 0) {
      throw new Error(`profile ${source}: rule for ${rule.metric}: reduce count_distinct needs "distinct" labels`);
    }
  }
  return profile;
}

/** Names of the profiles shipped in `profiles/` (file names without `.yaml`). */
export function bundledProfileNames(): string[] {
  return readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Bundled profiles parsed so far, by name: read-only data, shared by every target that uses them. */
const bundled = new Map<string, Profile>();

/**
 * Loads bundled profiles by name (validated). Each file is read, parsed and checked once per process:
 * doing it per target took ~7 ms each, seconds of start-up for a center's hundreds of exporters.
 */
export function loadBundledProfiles(names: readonly string[]): Profile[] {
  return names.map((n) => {
    let p = bundled.get(n);
    if (p === undefined)
      bundled.set(n, (p = parseProfile(readFileSync(join(PROFILE_DIR, `${n}.yaml`), 'utf8'), `${n}.yaml`)));
    return p;
  });
}
