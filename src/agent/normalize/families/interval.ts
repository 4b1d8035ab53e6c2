/**
 * @module One interval being turned into a record: the targets' readings for [start, end), what each metric
 * family has found so far (metrics, histograms) and what it could not read (missing targets), plus the helpers
 * every family shares to find the series a role binds and to sum them without inventing data.
 */
import type { Histogram } from '../../../model/records.ts';
import type { ChipClassifier } from '../../chips/classify.ts';
import type { AgentConfig, RoleBinding, RoleName } from '../../config/types.ts';
import type { CounterEntry, SeriesInfo, TargetReadings } from '../store.ts';

export interface BuildContext {
  config: AgentConfig;
  chips: ChipClassifier;
  targets: ReadonlyMap<string, TargetReadings>;
  /** Latest inventory older than this (ms) no longer counts. */
  inventoryTtlMs: number;
}

/** A chip the table did not know, for self-metrics and a one-time warning. */
export interface UnclassifiedChip {
  kind: string;
  vendor: string;
  model: string;
}

/** A target and one of its role bindings. */
export interface Bound {
  tr: TargetReadings;
  b: RoleBinding;
}

/** W·ms per kWh. */
const WMS_PER_KWH = 3.6e9;

export class Interval {
  readonly start: number;
  readonly end: number;
  readonly span: number;
  readonly config: AgentConfig;
  readonly ctx: BuildContext;
  readonly metrics: Record<string, number> = {};
  readonly histograms: Record<string, Histogram> = {};
  /** Targets that gave no usable reading for something this interval needs. */
  readonly missing = new Set<string>();
  /** Metrics estimated rather than measured (energy integrated from power). */
  readonly estimated = new Set<string>();
  readonly unclassified: UnclassifiedChip[] = [];

  constructor(ctx: BuildContext, start: number, end: number) {
    this.ctx = ctx;
    this.config = ctx.config;
    this.start = start;
    this.end = end;
    this.span = end - start;
    for (const tr of ctx.targets.values()) if (!tr.succeededIn(start, end)) this.missing.add(tr.target.id);
  }

  /** Sets a metric, rounded to 1e-6 (records carry no float noise). */
  set(metric: string, value: number): void {
    this.metrics[metric] = round(value);
  }

  /** Every (target, binding) playing `role`. */
  bindings(role: RoleName): Bound[] {
    const out: Bound[] = [];
    for (const tr of this.ctx.targets.values())
      for (const b of tr.target.roles) if (b.role === role) out.push({ tr, b });
    return out;
  }

  /** Sum of the counters' increases; undefined when any increase is unknown or there is none. */
  counterSum(cs: CounterEntry[]): number | undefined {
    if (cs.length === 0) return undefined;
    let sum = 0;
    for (const c of cs) {
      const d = c.series.delta(this.start, this.end);
      if (d === undefined) return undefined;
      sum += d;
    }
    return sum;
  }

  /** Energy of one binding: counter delta, or the integral of power when configured (marked estimated). */
  energyOf(tr: TargetReadings, b: RoleBinding, metric: string): number | undefined {
    if (b.integratePower) {
      const ps = select(tr.gauges.values(), 'power_watts', b, true);
      if (ps.length === 0) return undefined;
      let wms = 0;
      for (const p of ps) {
        const st = p.series.stats(this.start, this.end);
        // Integrating across a hole would invent the hole's power.
        if (st.covered < 0.9 * this.span) return undefined;
        wms += (st.integral * this.span) / st.covered;
      }
      this.estimated.add(metric);
      return wms / WMS_PER_KWH;
    }
    return this.counterSum(select(tr.counters.values(), 'energy_kwh', b, true));
  }

  /** Sum over bindings; undefined (and the targets marked missing) when any part is unknown. */
  additive(list: Bound[], one: (tr: TargetReadings, b: RoleBinding) => number | undefined): number | undefined {
    if (list.length === 0) return undefined;
    let sum = 0;
    let ok = true;
    for (const { tr, b } of list) {
      const v = one(tr, b);
      if (v === undefined) {
        ok = false;
        this.missing.add(tr.target.id);
      } else sum += v;
    }
    return ok ? sum : undefined;
  }

  /** The chip table's entry for a CPU or accelerator, noting chips it does not know. */
  classify(kind: 'cpu' | 'accelerator', labels: Record<string, string>) {
    const q: Parameters<ChipClassifier['classify']>[0] = { kind };
    if (labels.vendor) q.vendor = labels.vendor;
    if (labels.model) q.model = labels.model;
    if (labels.pci_vendor_id) q.pciVendorId = labels.pci_vendor_id;
    if (labels.cpu_implementer) q.cpuImplementer = labels.cpu_implementer;
    if (labels.vendor_id) q.x86VendorId = labels.vendor_id;
    const c = this.ctx.chips.classify(q);
    if (c.vendorId === null || (c.peak.fp16 === null && c.peak.fp32 === null && c.peak.fp64 === null)) {
      this.unclassified.push({ kind, vendor: labels.vendor ?? '', model: labels.model ?? '' });
    }
    return c;
  }
}

export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function matches(e: SeriesInfo, b: RoleBinding): boolean {
  if (b.device && !b.device.test(e.device)) return false;
  if (b.labels) {
    for (const [k, re] of Object.entries(b.labels)) if (!re.test(e.labels[k] ?? '')) return false;
  }
  if (b.role === 'inlet' && !b.labels && e.labels.location !== 'inlet') return false;
  return true;
}

/** Series of `signal` playing role `b`; for additive signals a whole-target total wins over its parts. */
export function select<E extends SeriesInfo>(
  entries: Iterable<E>,
  signal: string,
  b: RoleBinding,
  additive: boolean,
): E[] {
  const m: E[] = [];
  for (const e of entries) if (e.signal === signal && matches(e, b)) m.push(e);
  if (!additive) return m;
  const whole = m.filter((e) => e.device === '');
  return whole.length > 0 ? whole : m;
}
