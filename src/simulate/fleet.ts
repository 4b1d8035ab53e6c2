/**
 * @module A national fleet generated from a seed: registry entries (matching registry.schema.json) and, per
 * center, the plan of its simulated devices. Pure and deterministic: same options, same fleet.
 *
 * The simulated center is small by default (a handful of BMCs, PDUs, a UPS, meters, chillers, CRAHs and
 * exporters) so a laptop can serve hundreds of them; `scale` multiplies the rack-level devices for benchmarks.
 * Registry capacities (racks, rated IT kW, grid kW) are derived from the simulated devices so that ratios
 * such as IT-load utilization and rack occupancy come out plausible; `size_class` is nominal (it decides how
 * many devices a center gets relative to the others, not the MIIT rack count).
 */
import type { Center } from '../model/centers.ts';
import type { DeviceState } from './device-state.ts';
import { ACCEL_MODELS, CPU_MODELS, DOMESTIC_ACCELS, DOMESTIC_CPUS, FOREIGN_ACCELS, FOREIGN_CPUS } from './chips.ts';
import {
  centerWeight,
  citiesOf,
  climateAt,
  type Climate,
  domesticShare,
  hostsSupercomputing,
  provinces,
} from './geography.ts';
import { planNetwork, type ProberPlan, type RouterPlan } from './network.ts';
import { rng, type Rng } from './random.ts';

export type DeviceKind = DeviceState['kind'];
export type CenterType = Center['type'];
export type SizeClass = Center['size_class'];

/**
 * A utilization profile (fraction 0..1): mean plus half-amplitudes of a diurnal cycle peaking at `peakHour`
 * (Asia/Shanghai), its second harmonic, a weekly cycle low at the weekend, and two slow workload harmonics.
 * Amplitudes are bounded so the profile never leaves [0.02, 0.98].
 */
export interface LoadProfile {
  base: number;
  diurnal: number;
  peakHour: number;
  halfDay: number;
  weekly: number;
  drift: number;
  driftPhaseS: number;
  churn: number;
  churnPhaseS: number;
}

export interface ServerPlan {
  id: string;
  kind: 'server';
  /** Redfish flavour: PowerSubsystem/ThermalSubsystem/EnvironmentMetrics, or the deprecated Power/Thermal. */
  schema: 'modern' | 'legacy';
  cpuModel: string;
  sockets: number;
  accelModel?: string;
  accelCount: number;
  /** Memory, disks, fans and board at any load, W. */
  baseWatts: number;
  /** Index of the PDU feeding it. */
  pdu: number;
  cpuLoad: LoadProfile;
  /** Utilization of each accelerator while allocated. */
  accelLoad?: LoadProfile;
  /** Probability an accelerator is allocated to a workload on a given day. */
  allocShare: number;
  /** Ids of the exporters running on this host. */
  exporters: string[];
}

export interface PduPlan {
  id: string;
  kind: 'pdu';
  protocol: 'snmp' | 'redfish';
  /** Index of the UPS feeding it. */
  ups: number;
  /** Switches and storage on the PDU's network outlet, W (constant). */
  networkWatts: number;
  probe: boolean;
}

export interface UpsPlan {
  id: string;
  kind: 'ups';
  ratingKw: number;
  /** Proportional conversion loss (of output) and fixed no-load loss. */
  lossShare: number;
  noLoadKw: number;
}

export type MeterRole = 'facility' | 'it' | 'cooling' | 'pv';

export interface MeterPlan {
  id: string;
  kind: 'meter';
  role: MeterRole;
}

export interface ChillerPlan {
  id: string;
  kind: 'chiller';
  /** A standby chiller reports running=false and no load. */
  running: boolean;
  /** Cooling-tower make-up water per kWh of chiller electricity, m³ (≈0 for air-cooled chillers). */
  waterM3PerKwh: number;
}

export interface CrahPlan {
  id: string;
  kind: 'crah';
}

export interface ExporterPlan {
  id: string;
  kind: 'node' | 'dcgm' | 'npu';
  /** Index of the host server. */
  server: number;
}

/** Everything the simulator needs to know about one center beyond its registry entry. */
export interface CenterPlan {
  center: string;
  seed: number;
  province: string;
  type: CenterType;
  /** Counters count from here (a local midnight): max(fleet origin, commission date). */
  originMs: number;
  climate: Climate;
  /** Multiplies the climate's cooling overhead: ~0.5 for new liquid/free-cooled halls, ~1.15 for old ones. */
  coolingDesign: number;
  /** Share of cooling electricity drawn by chillers (the rest by CRAH fans). */
  chillerShare: number;
  /** Transformer and distribution loss, share of IT + cooling. */
  distLossShare: number;
  /** Lighting, offices, security: constant, kW. */
  miscKw: number;
  /** Rooftop PV peak, kW (0 = none). */
  pvPeakKw: number;
  servers: ServerPlan[];
  pdus: PduPlan[];
  ups: UpsPlan[];
  meters: MeterPlan[];
  chillers: ChillerPlan[];
  crahs: CrahPlan[];
  exporters: ExporterPlan[];
  /** Border router (SNMP IF-MIB) and latency prober (smokeping_prober). */
  router: RouterPlan;
  prober: ProberPlan;
  /**
   * Share of accelerator allocations dispatched by the national or regional scheduling platform (their pods
   * run in namespaces named `sched-*`); 0 for a center not connected to the platform.
   */
  schedShare: number;
  counts: Record<DeviceKind, number>;
}

export interface FleetOptions {
  centers: number;
  seed: number;
  /** Multiplies rack-level devices (servers, PDUs, CRAHs, exporters); default 1. */
  scale?: number;
  /** The date the fleet is described at (YYYY-MM-DD): commission dates lie before it. Default 2026-01-01. */
  asOf?: string;
  /** Counters start here at the latest (YYYY-MM-DD, local midnight); default 400 days before asOf. */
  origin?: string;
}

export interface Fleet {
  registry: { centers: Center[] };
  plans: CenterPlan[];
}

/** Asia/Shanghai has no daylight saving: local time is UTC+8 all year. */
export const LOCAL_OFFSET_MS = 8 * 3_600_000;

/** Epoch ms of local midnight starting the date `YYYY-MM-DD`. */
export function localMidnightMs(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - LOCAL_OFFSET_MS;
}

function isoDate(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

const OPERATORS = [
  'China Mobile',
  'China Telecom',
  'China Unicom',
  'GDS',
  'Alibaba Cloud',
  'Tencent',
  'Huawei Cloud',
  'Chindata',
  'Range Technology',
  'Baidu',
  'Sugon',
  'VNET',
];

const SIZE_SERVERS: Record<SizeClass, [number, number]> = {
  small: [4, 6],
  medium: [6, 10],
  large: [10, 16],
  hyperscale: [16, 20],
};

/** Which province each center stands in: every province once (in a seeded order), then by market weight. */
function provinceOf(seed: number, index: number): string {
  const all = provinces().map((p) => p.code);
  const order = rng(seed, 'province-order').shuffle(all);
  if (index < order.length) return order[index]!;
  return rng(seed, 'province', index).weighted(all.map((c) => [c, centerWeight(c)] as const));
}

function centerType(r: Rng, province: string): CenterType {
  const west = ['52', '15', '62', '64'].includes(province);
  return r.weighted<CenterType>([
    ['general', west ? 0.45 : 0.6],
    ['intelligent', west ? 0.5 : 0.3],
    ['supercomputing', hostsSupercomputing(province) ? 0.2 : 0.03],
  ]);
}

function loadProfile(r: Rng, base: number, diurnalShare: number): LoadProfile {
  const room = Math.min(base - 0.03, 0.97 - base);
  const raw = {
    diurnal: r.range(0.5, 1) * diurnalShare,
    halfDay: r.range(0, 0.25) * diurnalShare,
    weekly: r.range(0.05, 0.2),
    drift: r.range(0.02, 0.08),
    churn: r.range(0.01, 0.05),
  };
  const sum = raw.diurnal + raw.halfDay + raw.weekly + raw.drift + raw.churn;
  // Amplitudes are shares of the mean, capped so the profile stays inside [0.03, 0.97].
  const k = Math.min(base, (room * 0.95) / sum);
  return {
    base,
    diurnal: raw.diurnal * k,
    peakHour: r.range(13, 21),
    halfDay: raw.halfDay * k,
    weekly: raw.weekly * k,
    drift: raw.drift * k,
    driftPhaseS: r.range(0, 86_400),
    churn: raw.churn * k,
    churnPhaseS: r.range(0, 86_400),
  };
}

/** Perturbs a center profile for one host: same rhythm, own level and noise phases. */
function hostProfile(r: Rng, center: LoadProfile): LoadProfile {
  const base = Math.min(0.85, Math.max(0.08, center.base * r.range(0.75, 1.25)));
  const room = Math.min(base - 0.03, 0.97 - base);
  const amps = center.diurnal + center.halfDay + center.weekly + center.drift + center.churn;
  const k = Math.min(1, (room * 0.95) / amps);
  return {
    ...center,
    base,
    diurnal: center.diurnal * k,
    halfDay: center.halfDay * k,
    weekly: center.weekly * k,
    drift: center.drift * k,
    churn: center.churn * k,
    driftPhaseS: r.range(0, 86_400),
    churnPhaseS: r.range(0, 86_400),
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Max electrical draw of a server (all CPUs and accelerators flat out), W. */
export function serverMaxWatts(s: ServerPlan): number {
  const cpu = CPU_MODELS[s.cpuModel]!;
  const acc = s.accelModel ? ACCEL_MODELS[s.accelModel]! : undefined;
  return s.baseWatts + s.sockets * cpu.maxWatts + (acc ? s.accelCount * acc.maxWatts : 0);
}

function planCenter(
  seed: number,
  index: number,
  scale: number,
  asOfMs: number,
  originMs: number,
): { center: Center; plan: CenterPlan } {
  const r = rng(seed, 'center', index);
  const code = provinceOf(seed, index);
  const prov = provinces().find((p) => p.code === code)!;
  const city = r.pick(citiesOf(code));
  const id = `${prov.abbr.toLowerCase()}-${pad(index + 1, 4)}`;
  const type = centerType(r, code);
  const size = r.weighted<SizeClass>([
    ['small', 0.3],
    ['medium', 0.35],
    ['large', 0.25],
    ['hyperscale', 0.1],
  ]);

  // Commissioning: ~40% within the last four years ("new" centers), the rest 4–15 years old; none in the last 2 months.
  const ageDays = r.chance(0.4) ? r.int(60, 4 * 365) : r.int(4 * 365 + 1, 15 * 365);
  const commissionMs = asOfMs - ageDays * DAY_MS;
  const commissionYear = new Date(commissionMs + LOCAL_OFFSET_MS).getUTCFullYear();
  const isHub = city.cluster !== undefined;

  // Chip mix: the province's domestic share, pushed up for new and hub centers (procurement rules since 2022).
  const domestic = Math.min(0.95, domesticShare(code) + (commissionYear >= 2022 ? 0.1 : 0) + (isHub ? 0.05 : 0));

  const [lo, hi] = SIZE_SERVERS[size];
  const nServers = r.int(lo, hi) * scale;
  const accelShare =
    type === 'intelligent'
      ? r.range(0.4, 0.6)
      : type === 'supercomputing'
        ? r.range(0.15, 0.3)
        : r.chance(0.3)
          ? 0.01
          : 0;
  const nAccel = Math.min(Math.ceil(nServers * accelShare), 6 * scale);
  const nPdus = Math.max(2, Math.ceil(nServers / 3.5));
  const nUps = nPdus > 6 ? Math.ceil(nPdus / 6) : size === 'small' ? 1 : r.int(1, 2);
  const nChillersRunning = Math.min(3, 1 + Math.floor(nServers / (8 * scale))) + Math.floor(Math.log2(scale));
  const standby = size === 'large' || size === 'hyperscale';
  const nCrahs = Math.min(6, Math.max(2, Math.ceil(nServers / 4))) * (scale > 1 ? Math.ceil(scale / 2) : 1);
  const nNode = r.int(2, 3) * scale;

  const centerLoad = loadProfile(
    r,
    type === 'general' ? r.range(0.2, 0.45) : r.range(0.35, 0.6),
    type === 'general' ? 0.45 : 0.2,
  );
  const accelBase = loadProfile(r, r.range(0.55, 0.85), type === 'intelligent' ? 0.12 : 0.06);

  const servers: ServerPlan[] = [];
  for (let i = 0; i < nServers; i++) {
    const sr = rng(seed, 'server', id, i);
    const hasAccel = i < nAccel;
    const cpuModel = sr.chance(domestic) ? sr.weighted(DOMESTIC_CPUS) : sr.weighted(FOREIGN_CPUS);
    const accelModel = hasAccel
      ? sr.chance(domestic)
        ? sr.weighted(DOMESTIC_ACCELS)
        : sr.weighted(FOREIGN_ACCELS)
      : undefined;
    servers.push({
      id: `${id}-bmc-${pad(i + 1, 3)}`,
      kind: 'server',
      schema: sr.chance(0.6) ? 'modern' : 'legacy',
      cpuModel,
      sockets: 2,
      accelModel,
      accelCount: hasAccel ? 8 : 0,
      baseWatts: hasAccel ? sr.range(350, 600) : sr.range(120, 220),
      pdu: Math.floor((i * nPdus) / nServers),
      cpuLoad: hostProfile(sr, centerLoad),
      accelLoad: hasAccel ? hostProfile(sr, accelBase) : undefined,
      allocShare: hasAccel ? sr.range(0.6, 0.95) : 0,
      exporters: [],
    });
  }

  const exporters: ExporterPlan[] = [];
  servers.forEach((s, i) => {
    if (!s.accelModel) return;
    const kind = ACCEL_MODELS[s.accelModel]!.exporter;
    const e: ExporterPlan = { id: `${id}-${kind}-${pad(i + 1, 3)}`, kind, server: i };
    exporters.push(e);
    s.exporters.push(e.id);
  });
  // node_exporter on the first CPU-only hosts (or on accelerator hosts when there are too few).
  const nodeHosts = [...servers.keys()]
    .filter((i) => !servers[i]!.accelModel)
    .concat([...servers.keys()].filter((i) => servers[i]!.accelModel));
  for (const i of nodeHosts.slice(0, nNode)) {
    const e: ExporterPlan = { id: `${id}-node-${pad(i + 1, 3)}`, kind: 'node', server: i };
    exporters.push(e);
    servers[i]!.exporters.push(e.id);
  }
  exporters.sort((a, b) => a.id.localeCompare(b.id));

  const pdus: PduPlan[] = [];
  for (let p = 0; p < nPdus; p++) {
    const pr = rng(seed, 'pdu', id, p);
    pdus.push({
      id: `${id}-pdu-${pad(p + 1, 3)}`,
      kind: 'pdu',
      // Every center with two or more PDUs has Redfish PDUs next to SNMP ones.
      protocol: p % 3 === 1 ? 'redfish' : 'snmp',
      ups: Math.floor((p * nUps) / nPdus),
      networkWatts: pr.range(150, 450),
      probe: pr.chance(0.6),
    });
  }

  const pduMaxW = pdus.map(
    (p, pi) => p.networkWatts + servers.filter((s) => s.pdu === pi).reduce((sum, s) => sum + serverMaxWatts(s), 0),
  );
  const itMaxKw = pduMaxW.reduce((a, b) => a + b, 0) / 1000;
  const ups: UpsPlan[] = [];
  for (let u = 0; u < nUps; u++) {
    const ur = rng(seed, 'ups', id, u);
    const loadKw = pduMaxW.filter((_, pi) => pdus[pi]!.ups === u).reduce((a, b) => a + b, 0) / 1000;
    const ratingKw = Math.ceil((loadKw * ur.range(1.3, 1.8)) / 10) * 10;
    ups.push({
      id: `${id}-ups-${pad(u + 1, 2)}`,
      kind: 'ups',
      ratingKw,
      lossShare: ur.range(0.02, 0.045),
      noLoadKw: ratingKw * ur.range(0.003, 0.008),
    });
  }

  const sunny = ['15', '62', '63', '64', '65', '54', '13', '14', '61'].includes(code);
  const pvPeakKw = r.chance(sunny ? 0.6 : 0.2) ? Math.round(itMaxKw * r.range(0.05, 0.15) * 10) / 10 : 0;
  const meters: MeterPlan[] = (
    ['facility', 'it', 'cooling', ...(pvPeakKw > 0 ? ['pv' as const] : [])] as MeterRole[]
  ).map((role) => ({
    id: `${id}-meter-${role}`,
    kind: 'meter',
    role,
  }));

  // Dry northwest (Ningxia, Gansu, Xinjiang, Qinghai, Inner Mongolia) favours air-cooled chillers: little make-up water.
  const dry = ['62', '63', '64', '65', '15', '54'].includes(code);
  const chillers: ChillerPlan[] = [];
  for (let c = 0; c < nChillersRunning + (standby ? 1 : 0); c++) {
    const cr = rng(seed, 'chiller', id, c);
    chillers.push({
      id: `${id}-chiller-${pad(c + 1, 2)}`,
      kind: 'chiller',
      running: c < nChillersRunning,
      waterM3PerKwh: dry ? cr.range(0.0005, 0.0015) : cr.range(0.006, 0.01),
    });
  }
  const crahs: CrahPlan[] = [];
  for (let c = 0; c < nCrahs; c++) crahs.push({ id: `${id}-crah-${pad(c + 1, 2)}`, kind: 'crah' });

  const liquid = type === 'intelligent' && commissionYear >= 2021 && r.chance(0.6);
  let design =
    commissionYear >= 2022 ? r.range(0.55, 0.8) : commissionYear >= 2015 ? r.range(0.75, 1.0) : r.range(0.95, 1.15);
  if (liquid) design -= 0.08;
  if (isHub) design -= 0.04;
  design = Math.max(0.5, design);

  const climate = climateAt(prov.lat + (city.dLat ?? 0), city.altitudeKm);
  const itRatedKw = Math.round(itMaxKw * r.range(1.1, 1.3) * 10) / 10;
  const racksInstalled = Math.ceil(nPdus / r.range(0.6, 0.95));
  const racksDesign = Math.ceil(racksInstalled * r.range(1, 1.5));
  const miscKw = Math.round(itRatedKw * r.range(0.005, 0.015) * 100) / 100;

  // Network and scheduling need the registry entry (position, WAN link, platform connection): added below.
  const plan: Omit<CenterPlan, 'router' | 'prober' | 'schedShare' | 'counts'> & {
    counts: Omit<CenterPlan['counts'], 'router' | 'smokeping'>;
  } = {
    center: id,
    seed,
    province: code,
    type,
    originMs: Math.max(originMs, localMidnightMs(isoDate(commissionMs))),
    climate,
    coolingDesign: design,
    chillerShare: r.range(0.6, 0.75),
    distLossShare: r.range(0.01, 0.025),
    miscKw,
    pvPeakKw,
    servers,
    pdus,
    ups,
    meters,
    chillers,
    crahs,
    exporters,
    counts: {
      server: servers.length,
      pdu: pdus.length,
      ups: ups.length,
      meter: meters.length,
      chiller: chillers.length,
      crah: crahs.length,
      node: exporters.filter((e) => e.kind === 'node').length,
      dcgm: exporters.filter((e) => e.kind === 'dcgm').length,
      npu: exporters.filter((e) => e.kind === 'npu').length,
    },
  };

  const operator = r.pick(OPERATORS);
  const typeWord =
    type === 'general'
      ? 'Data Center'
      : type === 'intelligent'
        ? 'Intelligent Computing Center'
        : 'Supercomputing Center';
  const center: Center = {
    id,
    name: `${operator} ${city.name} ${typeWord} ${index + 1}`,
    province: code,
    city: city.name,
    type,
    hub_cluster: city.cluster ?? null,
    commission_date: isoDate(commissionMs),
    size_class: size,
    status: 'operating',
    racks_design: racksDesign,
    racks_installed: racksInstalled,
    it_rated_kw: itRatedKw,
    grid_capacity_kw: Math.round(itRatedKw * r.range(1.6, 2.2)),
    it_pipeline_kw: r.chance(0.3) ? Math.round(itRatedKw * r.range(0.2, 1)) : 0,
    liquid_cooled_it_kw: liquid ? Math.round(itRatedKw * r.range(0.3, 0.8) * 10) / 10 : 0,
    dr_capacity_kw: r.chance(0.4) ? Math.round(itRatedKw * r.range(0.05, 0.15) * 10) / 10 : 0,
    wan_bandwidth_gbps: r.pick([10, 20, 40, 100, 200, 400]),
    platform_connected: r.chance(isHub ? 0.9 : 0.6),
    storage_total_tb: Math.round(nServers * r.range(20, 120)),
    storage_flash_tb: 0,
    operator,
    lat: Math.round((prov.lat + (city.dLat ?? 0) + r.range(-0.05, 0.05)) * 1000) / 1000,
    lon: Math.round((prov.lon + (city.dLon ?? 0) + r.range(-0.05, 0.05)) * 1000) / 1000,
  };
  center.storage_flash_tb = Math.round(center.storage_total_tb! * r.range(0.1, 0.6));
  const { router, prober } = planNetwork(
    seed,
    id,
    code,
    center.lat!,
    center.lon!,
    center.wan_bandwidth_gbps!,
    itRatedKw,
  );
  // Own stream, so adding the network left every other device of the center as it was.
  const schedShare = center.platform_connected && nAccel > 0 ? rng(seed, 'scheduling', id).range(0.15, 0.45) : 0;
  return { center, plan: { ...plan, router, prober, schedShare, counts: { ...plan.counts, router: 1, smokeping: 1 } } };
}

/**
 * Generates `centers` centers spread over all 31 provinces (every province gets one before any gets a
 * second), deterministically from `seed`. Center `i` depends only on (seed, i, scale, asOf, origin), so a
 * larger fleet extends a smaller one with the same seed.
 */
export function generateFleet(options: FleetOptions): Fleet {
  const { centers: n, seed } = options;
  if (!Number.isInteger(n) || n < 1) throw new Error(`centers must be a positive integer (got ${JSON.stringify(n)})`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer (got ${JSON.stringify(seed)})`);
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`scale must be a positive integer (got ${JSON.stringify(scale)})`);
  const asOfMs = localMidnightMs(options.asOf ?? '2026-01-01');
  const originMs = options.origin !== undefined ? localMidnightMs(options.origin) : asOfMs - 400 * DAY_MS;
  const registry: { centers: Center[] } = { centers: [] };
  const plans: CenterPlan[] = [];
  for (let i = 0; i < n; i++) {
    const { center, plan } = planCenter(seed, i, scale, asOfMs, originMs);
    registry.centers.push(center);
    plans.push(plan);
  }
  return { registry, plans };
}
