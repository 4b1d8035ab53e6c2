/**
 * @module Builds one center record for [start, end) from the targets' readings and their roles.
 *
 * Rules (see README "What a record says"):
 * - additive metrics (energy, water, core-hours) are emitted only when every contributing target has
 *   a measured delta; otherwise the metric is absent and the targets are listed as missing. A partial
 *   sum would be a wrong number, and the engine treats an absent metric as "no data", never as 0.
 * - gauges are time-weighted over the time actually observed.
 * - snapshots (inventory, peak PFLOPS) use each inventory target's latest inventory.
 * - accelerator device-hours count the time each device was observed, so busy/available stays a
 *   ratio over the same devices even when an exporter misses a scrape.
 */
import type { CenterRecord } from '../../model/records.ts';
import type { ChipClassifier } from '../chips/classify.ts';
import type { AgentConfig, RoleBinding, RoleName } from '../config/types.ts';
import { defaultCatalog } from '../../catalog/load.ts';
import { combine, integrate, type GaugeSeries } from './gauge.ts';
import { rebucket, type ProbeHistogram } from './rebucket.ts';
import type { CounterEntry, SeriesInfo, TargetReadings } from './store.ts';

const ENERGY_ROLES: Partial<Record<RoleName, string>> = {
  facility: 'e_total_kwh',
  it: 'e_it_kwh',
  cooling: 'e_cooling_kwh',
  green: 'e_green_direct_kwh',
  heat_reuse: 'heat_reused_kwh',
};

/** Latency roles and the histogram each fills (bounds from indicators/raw-metrics.yaml). */
const LATENCY_ROLES: Array<[RoleName, string]> = [
  ['latency_city', 'lat_city_hist'],
  ['latency_region', 'lat_region_hist'],
  ['latency_hub', 'lat_hub_hist'],
];

/** Bytes per TB: traffic is reported in decimal units. */
const BYTES_PER_TB = 1e12;
const MS_PER_H = 3_600_000;
/** W·ms per kWh. */
const WMS_PER_KWH = 3.6e9;

export interface BuildResult {
  record: CenterRecord;
  /** Chips the table did not know, for self-metrics and a one-time warning. */
  unclassified: Array<{ kind: string; vendor: string; model: string }>;
}

export interface BuildContext {
  config: AgentConfig;
  chips: ChipClassifier;
  targets: ReadonlyMap<string, TargetReadings>;
  /** Latest inventory older than this (ms) no longer counts. */
  inventoryTtlMs: number;
}

function round(x: number): number {
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
function select<E extends SeriesInfo>(entries: Iterable<E>, signal: string, b: RoleBinding, additive: boolean): E[] {
  const m: E[] = [];
  for (const e of entries) if (e.signal === signal && matches(e, b)) m.push(e);
  if (!additive) return m;
  const whole = m.filter((e) => e.device === '');
  return whole.length > 0 ? whole : m;
}

export function buildRecord(ctx: BuildContext, start: number, end: number): BuildResult {
  const { config } = ctx;
  const span = end - start;
  const metrics: Record<string, number> = {};
  const missing = new Set<string>();
  const estimated = new Set<string>();
  const unclassified: BuildResult['unclassified'] = [];

  for (const tr of ctx.targets.values()) if (!tr.succeededIn(start, end)) missing.add(tr.target.id);

  const bindings = (role: RoleName) => {
    const out: Array<{ tr: TargetReadings; b: RoleBinding }> = [];
    for (const tr of ctx.targets.values()) for (const b of tr.target.roles) if (b.role === role) out.push({ tr, b });
    return out;
  };

  /** Energy of one binding: counter delta, or the integral of power when configured. */
  const energyOf = (tr: TargetReadings, b: RoleBinding, metric: string): number | undefined => {
    if (b.integratePower) {
      const ps = select(tr.gauges.values(), 'power_watts', b, true);
      if (ps.length === 0) return undefined;
      let wms = 0;
      for (const p of ps) {
        const st = p.series.stats(start, end);
        // Integrating across a hole would invent the hole's power.
        if (st.covered < 0.9 * span) return undefined;
        wms += (st.integral * span) / st.covered;
      }
      estimated.add(metric);
      return wms / WMS_PER_KWH;
    }
    return counterSum(select(tr.counters.values(), 'energy_kwh', b, true));
  };
  const counterSum = (cs: CounterEntry[]): number | undefined => {
    if (cs.length === 0) return undefined;
    let sum = 0;
    for (const c of cs) {
      const d = c.series.delta(start, end);
      if (d === undefined) return undefined;
      sum += d;
    }
    return sum;
  };
  /** Sum over bindings; undefined (and the targets marked missing) when any part is unknown. */
  const additive = (
    list: Array<{ tr: TargetReadings; b: RoleBinding }>,
    one: (tr: TargetReadings, b: RoleBinding) => number | undefined,
  ): number | undefined => {
    if (list.length === 0) return undefined;
    let sum = 0;
    let ok = true;
    for (const { tr, b } of list) {
      const v = one(tr, b);
      if (v === undefined) {
        ok = false;
        missing.add(tr.target.id);
      } else sum += v;
    }
    return ok ? sum : undefined;
  };

  // --- energy and water -------------------------------------------------------------------------
  for (const [role, metric] of Object.entries(ENERGY_ROLES) as Array<[RoleName, string]>) {
    const v = additive(bindings(role), (tr, b) => energyOf(tr, b, metric));
    if (v !== undefined) metrics[metric] = round(v);
  }
  const lossIn = bindings('loss_input');
  const lossOut = bindings('loss_output');
  if (lossIn.length > 0 && lossOut.length > 0) {
    const a = additive(lossIn, (tr, b) => energyOf(tr, b, 'e_loss_kwh'));
    const c = additive(lossOut, (tr, b) => energyOf(tr, b, 'e_loss_kwh'));
    // A loss is never negative; meter tolerance can make input read slightly under output.
    if (a !== undefined && c !== undefined) metrics.e_loss_kwh = round(Math.max(0, a - c));
  }
  const water = additive(bindings('water'), (tr, b) => counterSum(select(tr.counters.values(), 'water_m3', b, true)));
  if (water !== undefined) metrics.water_m3 = round(water);

  // --- data traffic: WAN uplink octets in and out -------------------------------------------------
  const traffic = bindings('traffic');
  for (const [direction, metric] of [
    ['in', 'traffic_in_tb'],
    ['out', 'traffic_out_tb'],
  ] as const) {
    const bytes = additive(traffic, (tr, b) =>
      counterSum(select(tr.counters.values(), 'octets', b, false).filter((c) => c.labels.direction === direction)),
    );
    if (bytes !== undefined) metrics[metric] = round(bytes / BYTES_PER_TB);
  }

  // --- round-trip-time histograms of the probed hosts, per latency class ---------------------------
  const histograms: NonNullable<CenterRecord['histograms']> = {};
  for (const [role, metric] of LATENCY_ROLES) {
    const list = bindings(role);
    if (list.length === 0) continue;
    const hosts: ProbeHistogram[] = [];
    let ok = true;
    for (const { tr, b } of list) {
      const h = probeHistograms(select(tr.counters.values(), 'rtt_probes', b, false), start, end);
      if (h === undefined) {
        ok = false;
        missing.add(tr.target.id);
      } else hosts.push(...h);
    }
    if (!ok) continue;
    const bounds = defaultCatalog().metricById.get(metric)!.bounds!;
    histograms[metric] = { bounds: [...bounds], counts: rebucket(hosts, bounds) };
  }

  // --- facility power peak --------------------------------------------------------------------
  const facility = bindings('facility');
  if (facility.length > 0) {
    const series: GaugeSeries[] = [];
    let all = true;
    for (const { tr, b } of facility) {
      const ps = select(tr.gauges.values(), 'power_watts', b, true);
      if (ps.length === 0) all = false;
      series.push(...ps.map((p) => p.series));
    }
    if (all) {
      const gap = ctx.config.scrapeIntervalMs * 2.5;
      const sum = combine(series, start, end, (v) => v.reduce((x, y) => x + y, 0), gap);
      const st = integrate(sum, gap, start, end);
      if (st.max !== undefined) metrics.p_total_kw_max = round(st.max / 1000);
    }
  }

  // --- inlet temperature ------------------------------------------------------------------------
  {
    let integral = 0;
    let covered = 0;
    let max: number | undefined;
    for (const { tr, b } of bindings('inlet')) {
      for (const g of select(tr.gauges.values(), 'temperature_celsius', b, false)) {
        const st = g.series.stats(start, end);
        integral += st.integral;
        covered += st.covered;
        if (st.max !== undefined && (max === undefined || st.max > max)) max = st.max;
      }
    }
    if (covered > 0) metrics.inlet_temp_c_mean = round(integral / covered);
    if (max !== undefined) metrics.inlet_temp_c_max = round(max);
  }

  // --- racks in use -----------------------------------------------------------------------------
  {
    const racks = new Map<string, GaugeSeries[]>();
    for (const { tr, b } of bindings('rack')) {
      const t = tr.target;
      if (t.rackPerDevice) {
        for (const g of select(tr.gauges.values(), 'power_watts', b, false)) {
          if (g.device === '') continue;
          racks.set(`${t.id}/${g.device}`, [g.series]);
        }
      } else if (t.rack !== undefined) {
        const list = racks.get(t.rack) ?? [];
        list.push(...select(tr.gauges.values(), 'power_watts', b, true).map((g) => g.series));
        racks.set(t.rack, list);
      }
    }
    const flat: GaugeSeries[] = [];
    const owner: number[] = [];
    [...racks.values()].forEach((list, i) => {
      for (const s of list) {
        flat.push(s);
        owner.push(i);
      }
    });
    if (flat.length > 0) {
      const gap = ctx.config.scrapeIntervalMs * 2.5;
      const n = racks.size;
      const threshold = ctx.config.rackInUseWatts;
      const counts = combine(
        flat,
        start,
        end,
        (values) => {
          const perRack = new Array<number>(n).fill(0);
          values.forEach((v, i) => (perRack[owner[i]!]! += v));
          return perRack.filter((w) => w > threshold).length;
        },
        gap,
      );
      const st = integrate(counts, gap, start, end);
      if (st.mean !== undefined) metrics.racks_in_use = round(st.mean);
    }
  }

  // --- CPU and accelerator usage ----------------------------------------------------------------
  const compute = bindings('compute');
  {
    let busy = 0;
    let total = 0;
    let any = false;
    let ok = true;
    for (const { tr, b } of compute) {
      const cpu = select(tr.counters.values(), 'cpu_seconds', b, false);
      if (cpu.length === 0) continue;
      any = true;
      const bs = counterSum(cpu.filter((c) => c.labels.mode === 'busy'));
      const ts = counterSum(cpu.filter((c) => c.labels.mode === 'total'));
      if (bs === undefined || ts === undefined) {
        ok = false;
        missing.add(tr.target.id);
      } else {
        busy += bs;
        total += ts;
      }
    }
    if (any && ok) {
      metrics.cpu_core_h_busy = round(busy / 3600);
      metrics.cpu_core_h_avail = round(total / 3600);
    }
  }
  {
    const acc = { avail: 0, busy: 0, alloc: 0, sched: 0, domAvail: 0, domBusy: 0, pflopH: 0, idle: 0, devices: 0 };
    for (const { tr, b } of compute) {
      for (const g of select(tr.gauges.values(), 'accel_utilization', b, false)) {
        acc.devices++;
        const st = g.series.stats(start, end);
        if (st.covered === 0) continue;
        const availH = st.covered / MS_PER_H;
        const busyH = st.integral / MS_PER_H;
        const chip = classify(ctx.chips, 'accelerator', g.labels, unclassified);
        acc.avail += availH;
        acc.busy += busyH;
        if (g.alloc) acc.alloc += g.alloc.stats(start, end).integral / MS_PER_H;
        if (g.sched) acc.sched += g.sched.stats(start, end).integral / MS_PER_H;
        if (chip.domestic) {
          acc.domAvail += availH;
          acc.domBusy += busyH;
        }
        acc.pflopH += (busyH * (chip.peak.fp16 ?? 0)) / 1000;
        if ((st.mean ?? 0) < ctx.config.accelIdleUtilization) acc.idle++;
      }
    }
    if (acc.devices > 0) {
      metrics.accel_dev_h_avail = round(acc.avail);
      metrics.accel_dev_h_busy = round(acc.busy);
      metrics.accel_dev_h_alloc = round(acc.alloc);
      if (ctx.config.schedNamespaces) metrics.accel_dev_h_sched = round(acc.sched);
      metrics.accel_dom_dev_h_avail = round(acc.domAvail);
      metrics.accel_dom_dev_h_busy = round(acc.domBusy);
      metrics.pflop_h_delivered = round(acc.pflopH);
      metrics.accel_idle = acc.idle;
    }
  }

  // --- inventory and peak capacity (snapshot at end) --------------------------------------------
  {
    const inv = {
      servers: 0,
      domServers: 0,
      accel: 0,
      domAccel: 0,
      cpuFp32: 0,
      accFp16: 0,
      accFp32: 0,
      fp64: 0,
      domFp16: 0,
      known: 0,
    };
    for (const { tr } of bindings('inventory')) {
      const snap = tr.inventory;
      if (snap === undefined || snap.t < end - ctx.inventoryTtlMs) {
        missing.add(tr.target.id);
        continue;
      }
      inv.known++;
      let servers = 0;
      let cpus = 0;
      let domCpus = 0;
      for (const s of snap.samples) {
        const kind = s.labels?.kind;
        const n = s.value;
        if (kind === 'server') servers += n;
        else if (kind === 'cpu') {
          const c = classify(ctx.chips, 'cpu', s.labels ?? {}, unclassified);
          cpus += n;
          if (c.domestic) domCpus += n;
          inv.cpuFp32 += n * (c.peak.fp32 ?? 0);
          inv.fp64 += n * (c.peak.fp64 ?? 0);
        } else if (kind === 'accelerator') {
          const c = classify(ctx.chips, 'accelerator', s.labels ?? {}, unclassified);
          inv.accel += n;
          inv.accFp16 += n * (c.peak.fp16 ?? 0);
          inv.accFp32 += n * (c.peak.fp32 ?? 0);
          inv.fp64 += n * (c.peak.fp64 ?? 0);
          if (c.domestic) {
            inv.domAccel += n;
            inv.domFp16 += n * (c.peak.fp16 ?? 0);
          }
        }
      }
      // A BMC or node exporter that lists CPUs but no server count is one server.
      if (servers === 0 && cpus > 0) servers = 1;
      inv.servers += servers;
      if (cpus > 0 && domCpus === cpus) inv.domServers += servers;
    }
    if (inv.known > 0) {
      metrics.servers_total = inv.servers;
      metrics.servers_domestic_cpu = inv.domServers;
      metrics.accel_total = inv.accel;
      metrics.accel_domestic = inv.domAccel;
      // Table figures are TFLOPS; records carry PFLOPS.
      metrics.pf_general_fp32 = round(inv.cpuFp32 / 1000);
      metrics.pf_accel_fp16 = round(inv.accFp16 / 1000);
      metrics.pf_accel_fp32 = round(inv.accFp32 / 1000);
      metrics.pf_domestic_fp16 = round(inv.domFp16 / 1000);
      // HPC peak counts only at supercomputing centers; elsewhere it is a known zero, not a missing reading.
      metrics.pf_hpc_fp64 = config.centerType === 'supercomputing' ? round(inv.fp64 / 1000) : 0;
    }
  }

  const record: CenterRecord = {
    center: config.center,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    metrics,
    ...(Object.keys(histograms).length > 0 ? { histograms } : {}),
    quality: {
      targets_expected: ctx.targets.size,
      targets_missing: [...missing].sort(),
      ...(estimated.size > 0 ? { estimated: [...estimated].sort() } : {}),
    },
  };
  return { record, unclassified };
}

/**
 * Each probed host's histogram increase over [start, end) from its bucket counters (device = host, labels.le in
 * seconds); undefined when no host matched or any bucket's increase is unknown (a gap, a prober restart).
 */
function probeHistograms(series: CounterEntry[], start: number, end: number): ProbeHistogram[] | undefined {
  if (series.length === 0) return undefined;
  const byHost = new Map<string, Array<{ le: number; d: number }>>();
  for (const c of series) {
    const le = c.labels.le === '+Inf' ? Infinity : Number(c.labels.le);
    if (Number.isNaN(le)) continue;
    const d = c.series.delta(start, end);
    if (d === undefined) return undefined;
    let list = byHost.get(c.device);
    if (list === undefined) byHost.set(c.device, (list = []));
    list.push({ le, d });
  }
  const out: ProbeHistogram[] = [];
  for (const list of byHost.values()) {
    list.sort((a, b) => a.le - b.le);
    const inf = list.at(-1);
    if (inf === undefined || inf.le !== Infinity) return undefined;
    const finite = list.slice(0, -1);
    out.push({ boundsMs: finite.map((x) => x.le * 1000), cumulative: finite.map((x) => x.d), total: inf.d });
  }
  return out;
}

function classify(
  chips: ChipClassifier,
  kind: 'cpu' | 'accelerator',
  labels: Record<string, string>,
  unclassified: BuildResult['unclassified'],
) {
  const q: Parameters<ChipClassifier['classify']>[0] = { kind };
  if (labels.vendor) q.vendor = labels.vendor;
  if (labels.model) q.model = labels.model;
  if (labels.pci_vendor_id) q.pciVendorId = labels.pci_vendor_id;
  if (labels.cpu_implementer) q.cpuImplementer = labels.cpu_implementer;
  if (labels.vendor_id) q.x86VendorId = labels.vendor_id;
  const c = chips.classify(q);
  if (c.vendorId === null || (c.peak.fp16 === null && c.peak.fp32 === null && c.peak.fp64 === null)) {
    unclassified.push({ kind, vendor: labels.vendor ?? '', model: labels.model ?? '' });
  }
  return c;
}
