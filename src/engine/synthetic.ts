/**
 * @module Synthetic fleets for engine tests and benchmarks: a registry, daily records carrying every
 * telemetry metric and one filing per center, deterministic by seed. (The protocol-level simulator lives in src/simulate.)
 */
import type { Catalog, RawMetric } from '../catalog/types.ts';
import type { Center } from '../model/centers.ts';
import type { ParsedRecord } from '../model/records.ts';
import { indexRegistry, type RegistryIndex } from '../registry/load.ts';

/** A small fast PRNG (mulberry32): deterministic by seed, unlike Math.random. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  centers: number;
  days: number;
  seed: number;
  /** Start of the first day (ms); default 2026-10-01 00:00 Asia/Shanghai. */
  fromMs?: number;
  /** Record length in ms (default one day). */
  stepMs?: number;
}

const SIZE = ['small', 'medium', 'large', 'hyperscale'] as const;
const TYPES = ['general', 'intelligent', 'supercomputing'] as const;

/** Generates a registry and records; every telemetry metric and histogram is present in every record. */
export function syntheticFleet(
  catalog: Catalog,
  opts: SyntheticOptions,
): { registry: RegistryIndex; records: ParsedRecord[] } {
  // One PRNG drawn in a fixed order (centers, then each center's days and filing): same seed, same fleet.
  const rnd = prng(opts.seed);
  const fromMs = opts.fromMs ?? Date.parse('2026-10-01T00:00:00+08:00');
  const step = opts.stepMs ?? 86_400_000;
  const centers = syntheticCenters(catalog, opts.centers, rnd);
  const metrics = {
    telemetry: catalog.metrics.filter((m) => m.source === 'telemetry' && m.kind !== 'histogram'),
    histograms: catalog.metrics.filter((m) => m.kind === 'histogram'),
  };
  const records: ParsedRecord[] = [];
  for (const c of centers) {
    const profile = centerProfile(c, rnd);
    const own: ParsedRecord[] = [];
    for (let d = 0; d < opts.days; d++)
      own.push(telemetryRecord(c, profile, fromMs + d * step, fromMs + (d + 1) * step, metrics, rnd));
    records.push(...own);
    const eTotal = own.reduce((a, r) => a + (r.metrics.e_total_kwh ?? 0), 0);
    records.push(filingRecord(c, fromMs, fromMs + opts.days * step, eTotal, rnd));
  }
  return { registry: indexRegistry(centers), records };
}

/** `n` centers spread over the provinces, half of them in a hub cluster where the province has one. */
function syntheticCenters(catalog: Catalog, n: number, rnd: () => number): Center[] {
  const provinces = catalog.provinces;
  const centers: Center[] = [];
  for (let i = 0; i < n; i++) {
    const p = provinces[i % provinces.length]!;
    const cl = catalog.clusters.filter((c) => c.province === p.code);
    const hub = cl.length > 0 && rnd() < 0.5 ? cl[Math.floor(rnd() * cl.length)]!.id : null;
    const racks = Math.round(200 + rnd() * 5000);
    const year = 2015 + Math.floor(rnd() * 11);
    centers.push({
      id: `c${String(i).padStart(5, '0')}`,
      name: `${p.en} DC ${i}`,
      province: p.code,
      type: TYPES[Math.floor(rnd() * 3)]!,
      hub_cluster: hub,
      commission_date: `${year}-0${1 + Math.floor(rnd() * 9)}-15`,
      size_class: SIZE[racks > 3000 ? 2 + (racks > 4500 ? 1 : 0) : racks > 500 ? 1 : 0]!,
      racks_design: Math.round(racks * (1 + rnd() * 0.5)),
      racks_installed: racks,
      it_rated_kw: racks * (4 + rnd() * 4),
      grid_capacity_kw: racks * 12,
      it_pipeline_kw: rnd() < 0.3 ? Math.round(rnd() * 5000) : 0,
      liquid_cooled_it_kw: Math.round(racks * rnd()),
      dr_capacity_kw: Math.round(racks * rnd() * 0.5),
      wan_bandwidth_gbps: Math.round(10 + rnd() * 400),
      platform_connected: rnd() < 0.7,
      storage_total_tb: Math.round(racks * 50),
      storage_flash_tb: Math.round(racks * 50 * rnd()),
    });
  }
  return centers;
}

interface Profile {
  load: number;
  pue: number;
  accel: number;
  servers: number;
}

/** What stays the same for a center across its days. */
function centerProfile(c: Center, rnd: () => number): Profile {
  const load = 0.3 + rnd() * 0.5;
  const pue = 1.1 + rnd() * 0.6;
  const accel = Math.round(c.racks_installed * rnd() * 4);
  return { load, pue, accel, servers: c.racks_installed * 10 };
}

/** One telemetry record of [startMs, endMs): every telemetry metric and every latency histogram. */
function telemetryRecord(
  c: Center,
  { load, pue, accel, servers }: Profile,
  startMs: number,
  endMs: number,
  ids: { telemetry: RawMetric[]; histograms: RawMetric[] },
  rnd: () => number,
): ParsedRecord {
  const hours = (endMs - startMs) / 3_600_000;
  const eIt = c.it_rated_kw * hours * load * (0.9 + rnd() * 0.2);
  const base: Record<string, number> = {
    e_it_kwh: eIt,
    e_total_kwh: eIt * pue,
    e_cooling_kwh: eIt * (pue - 1) * 0.75,
    e_loss_kwh: eIt * (pue - 1) * 0.2,
    e_green_direct_kwh: eIt * pue * rnd() * 0.4,
    p_total_kw_max: (eIt * pue * 1.2) / hours,
    racks_in_use: c.racks_installed * (0.4 + rnd() * 0.5),
    water_m3: eIt * 0.0015,
    heat_reused_kwh: eIt * rnd() * 0.05,
    inlet_temp_c_mean: 22 + rnd() * 4,
    inlet_temp_c_max: 26 + rnd() * 6,
    servers_total: servers,
    servers_domestic_cpu: Math.round(servers * rnd()),
    accel_total: accel,
    accel_domestic: Math.round(accel * rnd()),
    pf_general_fp32: servers * 0.004,
    pf_accel_fp16: accel * 0.3,
    pf_accel_fp32: accel * 0.06,
    pf_hpc_fp64: c.type === 'supercomputing' ? servers * 0.003 : 0,
    pf_domestic_fp16: accel * 0.3 * rnd(),
    accel_dev_h_avail: accel * hours,
    accel_dev_h_busy: accel * hours * rnd(),
    accel_dev_h_alloc: accel * hours * 0.8,
    accel_dev_h_sched: accel * hours * rnd() * 0.3,
    accel_dom_dev_h_avail: accel * hours * 0.4,
    accel_dom_dev_h_busy: accel * hours * 0.4 * rnd(),
    pflop_h_delivered: accel * 0.3 * hours * rnd(),
    accel_idle: accel * rnd() * 0.2,
    cpu_core_h_avail: servers * 64 * hours,
    cpu_core_h_busy: servers * 64 * hours * rnd(),
    traffic_in_tb: rnd() * 50,
    traffic_out_tb: rnd() * 50,
  };
  const metrics: Record<string, number> = {};
  for (const m of ids.telemetry) metrics[m.id] = base[m.id] ?? rnd() * 100;
  const histograms: Record<string, { bounds: number[]; counts: number[] }> = {};
  // Round-trip times cluster around a typical value per target class (city ~0.6 ms, region ~3 ms, hub ~15 ms).
  for (const h of ids.histograms) {
    const typical = h.id === 'lat_city_hist' ? 0.6 : h.id === 'lat_region_hist' ? 3 : 15;
    const counts = new Array<number>(h.bounds!.length + 1).fill(0);
    for (let k = 0; k < 40; k++) {
      const rtt = typical * (0.6 + rnd() * 0.8 + (rnd() < 0.05 ? 1.5 : 0));
      const b = h.bounds!.findIndex((x) => rtt <= x);
      counts[b === -1 ? h.bounds!.length : b]!++;
    }
    histograms[h.id] = { bounds: h.bounds!, counts };
  }
  return { center: c.id, startMs, endMs, source: 'telemetry', metrics, histograms };
}

/** One filing for the whole span: incidents, outages, certification, backup, green certificates, diesel. */
function filingRecord(c: Center, fromMs: number, toMs: number, eTotal: number, rnd: () => number): ParsedRecord {
  const important = Math.round(c.racks_installed * (1 + rnd() * 4));
  return {
    center: c.id,
    startMs: fromMs,
    endMs: toMs,
    source: 'declaration',
    metrics: {
      security_incidents: rnd() < 0.8 ? 0 : Math.ceil(rnd() * 3),
      outage_count: rnd() < 0.85 ? 0 : 1,
      outage_min_unplanned: rnd() < 0.85 ? 0 : Math.round(rnd() * 90),
      mlps_l3_valid: rnd() < 0.8 ? 1 : 0,
      important_data_tb: important,
      important_data_dr_tb: Math.round(important * (0.7 + rnd() * 0.3)),
      storage_used_tb: Math.round((c.storage_total_tb ?? 0) * (0.4 + rnd() * 0.4)),
      e_green_cert_kwh: Math.round(eTotal * rnd() * 0.2),
      diesel_l: Math.round(rnd() * 2000),
    },
  };
}
