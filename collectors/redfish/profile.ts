/** @module Redfish vendor profiles: YAML files saying where a BMC keeps each reading; loaded, merged over generic, schema-checked. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileSchema } from '../validate.ts';
import profileSchema from './profiles/profile.schema.json' with { type: 'json' };

/** A resource the collector knows how to reach from a chassis (by its links, never by guessing URLs). */
export type ResourceName =
  | 'Chassis'
  | 'EnvironmentMetrics'
  | 'Power'
  | 'Thermal'
  | 'PowerSubsystem'
  | 'ThermalSubsystem'
  | 'ThermalMetrics'
  | 'PowerSupplies'
  | 'Fans'
  | 'Sensors';

/** One place a single value may be: a resource, optionally a list in it filtered by `where`, then paths. */
export interface ScalarSource {
  resource: ResourceName;
  list?: string;
  where?: Record<string, string[]>;
  path: string[];
}

/** One place per-device rows (PSUs, fans) may be. */
export interface RowSource {
  resource: ResourceName;
  list?: string;
  where?: Record<string, string[]>;
  /** Identity paths: the row's device (names are not unique). */
  id?: string[];
  name: string[];
  value: string[];
  energy_kwh?: string[];
  units?: string[];
  accept_units?: string[];
}

/** Server readings a profile can expect. */
export type ServerReading =
  'power_watts' | 'energy_kwh' | 'inlet_celsius' | 'exhaust_celsius' | 'power_supplies' | 'fans' | 'processors';

/** Rack PDU readings a profile can expect. */
export type PduReading = 'power_watts' | 'energy_kwh' | 'inlet_celsius' | 'outlets';

/** A merged, validated profile. */
export interface Profile {
  name: string;
  description: string;
  extends?: string;
  match: { vendor: string[]; oem: string[] };
  numeric_strings: 'accept' | 'reject';
  /** The vendor document the profile is written from. */
  source?: string;
  /** How a resource says it is not installed; such resources are skipped. */
  presence: { state: string[]; absent: string[] };
  /** Readings expected of every server and rack PDU; one that cannot be read makes the read partial. */
  expect: { server: ServerReading[]; pdu: PduReading[] };
  chassis: { skip_status: number[]; default_type: string; types: string[] };
  sources: {
    power_watts: ScalarSource[];
    energy_kwh: ScalarSource[];
    inlet_celsius: ScalarSource[];
    exhaust_celsius: ScalarSource[];
    power_supplies: RowSource[];
    fans: RowSource[];
  };
  inventory: {
    processor: { type: string[]; manufacturer: string[]; model: string[]; vendor_id: string[] };
    processor_kinds: Record<string, 'cpu' | 'accelerator'>;
    pcie: {
      manufacturer: string[];
      model: string[];
      pci_vendor_id: string[];
      class: string[];
      accelerator_classes: string[];
    };
    accelerators_from: Array<'processors' | 'pcie_devices'>;
    vendors: Array<{ pattern: string; vendor: string }>;
    pci_vendor_ids: Record<string, string>;
  };
  pdu: {
    power_watts: string[];
    energy_kwh: string[];
    inlet_celsius: string[];
    outlet: { name: string[]; power_watts: string[]; energy_kwh: string[]; state: string[] };
  };
}

const PROFILE_DIR = join(import.meta.dirname, 'profiles');
const validateProfile = compileSchema(profileSchema);

/** Objects merge key by key; lists and scalars from `over` replace those of `base`. */
export function mergeProfile(base: unknown, over: unknown): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeProfile(base[k], v) : v;
    return out;
  }
  return over;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Builds a profile from YAML texts by name (`read(name)` returns a file's text), following `extends`.
 * @example loadProfile('hpe', (n) => readFileSync(`profiles/${n}.yaml`, 'utf8'))
 */
export function loadProfile(name: string, read: (name: string) => string, seen: string[] = []): Profile {
  if (seen.includes(name)) throw new Error(`profile ${name}.yaml: extends cycle ${[...seen, name].join(' → ')}`);
  const own = parseYaml(read(name)) as unknown;
  if (!isObject(own)) throw new Error(`profile ${name}.yaml: not a YAML mapping`);
  const parent = typeof own['extends'] === 'string' ? loadProfile(own['extends'], read, [...seen, name]) : undefined;
  const merged = parent === undefined ? own : { ...(mergeProfile(parent, own) as Record<string, unknown>) };
  if (parent !== undefined && !('match' in own)) merged['match'] = { vendor: [], oem: [] };
  const problems = validateProfile(merged);
  if (problems.length > 0) throw new Error(`profile ${name}.yaml: ${problems.join('; ')}`);
  const profile = merged as unknown as Profile;
  for (const v of profile.inventory.vendors) {
    try {
      new RegExp(v.pattern, 'i');
    } catch (err) {
      throw new Error(
        `profile ${name}.yaml: inventory.vendors pattern ${JSON.stringify(v.pattern)}: ${(err as Error).message}`,
      );
    }
  }
  return profile;
}

/** Names of the shipped profiles. */
export function bundledProfileNames(): string[] {
  return readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

let shipped: Profile[] | undefined;

/**
 * Loads every shipped profile (validated), once per process: read-only data shared by every BMC target.
 * Loading them per target cost ~10 ms and ~100 KB of heap for each of a center's thousands of BMCs.
 */
export function loadBundledProfiles(): Profile[] {
  shipped ??= bundledProfileNames().map((n) =>
    loadProfile(n, (x) => readFileSync(join(PROFILE_DIR, `${x}.yaml`), 'utf8')),
  );
  return shipped;
}

/** Picks the profile for a service root (profile: auto): Vendor, then Oem keys; generic otherwise. */
export function detectProfile(profiles: readonly Profile[], root: Record<string, unknown>): Profile {
  return detectProfileWithReason(profiles, root).profile;
}

/** The profile for a service root and why it was picked (for the log and `dims probe`). */
export function detectProfileWithReason(
  profiles: readonly Profile[],
  root: Record<string, unknown>,
): { profile: Profile; reason: string } {
  const vendor = typeof root['Vendor'] === 'string' ? root['Vendor'] : '';
  const oemKeys = isObject(root['Oem']) ? Object.keys(root['Oem']) : [];
  const byVendor = profiles.find((p) => p.match.vendor.some((v) => v.toLowerCase() === vendor.toLowerCase()));
  if (byVendor !== undefined) return { profile: byVendor, reason: `ServiceRoot.Vendor "${vendor}"` };
  for (const key of oemKeys) {
    const byOem = profiles.find((p) => p.match.oem.some((o) => o.toLowerCase() === key.toLowerCase()));
    if (byOem !== undefined) return { profile: byOem, reason: `ServiceRoot.Oem key "${key}"` };
  }
  const fallback = profiles.find((p) => p.name === 'generic');
  if (fallback === undefined) throw new Error('profile generic.yaml is missing');
  const seen = [vendor === '' ? 'no Vendor' : `Vendor "${vendor}"`, `Oem keys [${oemKeys.join(', ')}]`].join(', ');
  return { profile: fallback, reason: `no vendor profile for ${seen}` };
}
