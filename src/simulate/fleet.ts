/**
 * @module A national fleet generated from a seed: registry entries (matching registry.schema.json) and, per
 * center, the plan of its simulated devices. Pure and deterministic: same options, same fleet.
 *
 * Centers carry fictitious Chinese names and operators (English as translation) and the magnitudes of a real center
 * of their MIIT size class: a large center has thousands of racks and tens of MW. The simulated devices stay few (a
 * handful of BMCs, PDUs, a UPS, meters, chillers, CRAHs and exporters) so a laptop can serve hundreds of centers:
 * each center is a 1:N scaled model of itself, N = `modelScale` (the registry's model_scale). Its registry capacities
 * are N times the model's, and its agent and ground truth multiply every extensive reading by N, so ratios such as
 * IT-load utilization and rack occupancy are the model's. `scale` multiplies the rack-level devices for benchmarks.
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
  /**
   * The real center is N times this simulated model (registry model_scale): its registry entry gives the real
   * center's racks and capacities, and its agent (and the ground truth) multiply extensive readings by N.
   */
  modelScale: number;
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

/** Fictitious operators (no real company's brand on made-up numbers): Chinese name and English translation. */
const OPERATORS: ReadonlyArray<readonly [zh: string, en: string]> = [
  ['瀚云数据科技有限公司', 'Hanyun Data Technology Co., Ltd.'],
  ['星算网络服务有限公司', 'Xingsuan Network Services Co., Ltd.'],
  ['青峦云计算有限公司', 'Qingluan Cloud Computing Co., Ltd.'],
  ['同川数据港有限公司', 'Tongchuan Data Harbor Co., Ltd.'],
  ['长风云谷信息技术有限公司', 'Changfeng Cloud Valley Information Technology Co., Ltd.'],
  ['澜汇算力科技有限公司', 'Lanhui Computing Technology Co., Ltd.'],
  ['恒泽数据中心运营有限公司', 'Hengze Data Center Operations Co., Ltd.'],
  ['栖云网络科技有限公司', 'Qiyun Network Technology Co., Ltd.'],
  ['明川信息基础设施有限公司', 'Mingchuan Information Infrastructure Co., Ltd.'],
  ['岚石云服务有限公司', 'Lanshi Cloud Services Co., Ltd.'],
  ['拓远算力网络有限公司', 'Tuoyuan Computing Network Co., Ltd.'],
  ['朔方智算科技有限公司', 'Shuofang Intelligent Computing Technology Co., Ltd.'],
];

/** The middle of a center's name (贵阳云谷数据中心): Chinese and English. */
const NAME_WORDS: ReadonlyArray<readonly [zh: string, en: string]> = [
  ['云谷', 'Cloud Valley'],
  ['星河', 'Galaxy'],
  ['云港', 'Cloud Harbor'],
  ['数港', 'Data Harbor'],
  ['云湖', 'Cloud Lake'],
  ['算谷', 'Compute Valley'],
  ['云岭', 'Cloud Ridge'],
  ['云湾', 'Cloud Bay'],
  ['数谷', 'Data Valley'],
  ['云麓', 'Cloud Foothills'],
  ['智谷', 'Smart Valley'],
  ['云峰', 'Cloud Peak'],
];

const TYPE_WORDS: Record<CenterType, readonly [zh: string, en: string]> = {
  general: ['数据中心', 'Data Center'],
  intelligent: ['智算中心', 'Intelligent Computing Center'],
  supercomputing: ['超算中心', 'Supercomputing Center'],
};

/** Phases that tell apart two centers of one name in one city: 二期 (Phase II) … */
const PHASES = ['二', '三', '四', '五', '六', '七', '八', '九', '十'];

/**
 * Installed standard racks of a real center of each MIIT size class (registry.schema.json: small < 500, medium
 * < 3,000, large ≥ 3,000, hyperscale ≥ 10,000), away from the class bounds.
 */
const CLASS_RACKS: Record<SizeClass, [number, number]> = {
  small: [150, 450],
  medium: [700, 2600],
  large: [3200, 8000],
  hyperscale: [11_000, 25_000],
};

/** WAN egress grows with the class: a multiple of the drawn link speed. */
const CLASS_WAN: Record<SizeClass, number> = { small: 1, medium: 2, large: 4, hyperscale: 8 };

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

/** Where a center stands and what it is: the first draws of its stream, in this order. */
function planSite(r: Rng, seed: number, index: number, asOfMs: number) {
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
  return { code, prov, city, id, type, size, commissionMs, commissionYear, isHub, domestic };
}
type Site = ReturnType<typeof planSite>;

/** How many devices of each kind the simulated center has. */
function deviceCounts(r: Rng, site: Site, scale: number) {
  const [lo, hi] = SIZE_SERVERS[site.size];
  const nServers = r.int(lo, hi) * scale;
  const accelShare =
    site.type === 'intelligent'
      ? r.range(0.4, 0.6)
      : site.type === 'supercomputing'
        ? r.range(0.15, 0.3)
        : r.chance(0.3)
          ? 0.01
          : 0;
  const nAccel = Math.min(Math.ceil(nServers * accelShare), 6 * scale);
  const nPdus = Math.max(2, Math.ceil(nServers / 3.5));
  const nUps = nPdus > 6 ? Math.ceil(nPdus / 6) : site.size === 'small' ? 1 : r.int(1, 2);
  const nChillersRunning = Math.min(3, 1 + Math.floor(nServers / (8 * scale))) + Math.floor(Math.log2(scale));
  const standby = site.size === 'large' || site.size === 'hyperscale';
  const nCrahs = Math.min(6, Math.max(2, Math.ceil(nServers / 4))) * (scale > 1 ? Math.ceil(scale / 2) : 1);
  const nNode = r.int(2, 3) * scale;
  return { nServers, nAccel, nPdus, nUps, nChillersRunning, standby, nCrahs, nNode };
}
type Counts = ReturnType<typeof deviceCounts>;

/** The servers: CPU and accelerator models by the chip mix, load profiles around the center's. */
function planServers(r: Rng, seed: number, site: Site, n: Counts): ServerPlan[] {
  const centerLoad = loadProfile(
    r,
    site.type === 'general' ? r.range(0.2, 0.45) : r.range(0.35, 0.6),
    site.type === 'general' ? 0.45 : 0.2,
  );
  const accelBase = loadProfile(r, r.range(0.55, 0.85), site.type === 'intelligent' ? 0.12 : 0.06);
  const servers: ServerPlan[] = [];
  for (let i = 0; i < n.nServers; i++) {
    const sr = rng(seed, 'server', site.id, i);
    const hasAccel = i < n.nAccel;
    const cpuModel = sr.chance(site.domestic) ? sr.weighted(DOMESTIC_CPUS) : sr.weighted(FOREIGN_CPUS);
    const accelModel = hasAccel
      ? sr.chance(site.domestic)
        ? sr.weighted(DOMESTIC_ACCELS)
        : sr.weighted(FOREIGN_ACCELS)
      : undefined;
    servers.push({
      id: `${site.id}-bmc-${pad(i + 1, 3)}`,
      kind: 'server',
      schema: sr.chance(0.6) ? 'modern' : 'legacy',
      cpuModel,
      sockets: 2,
      accelModel,
      accelCount: hasAccel ? 8 : 0,
      baseWatts: hasAccel ? sr.range(350, 600) : sr.range(120, 220),
      pdu: Math.floor((i * n.nPdus) / n.nServers),
      cpuLoad: hostProfile(sr, centerLoad),
      accelLoad: hasAccel ? hostProfile(sr, accelBase) : undefined,
      allocShare: hasAccel ? sr.range(0.6, 0.95) : 0,
      exporters: [],
    });
  }
  return servers;
}

/** Exporters: the accelerators' on their hosts, node_exporter on the first CPU-only hosts (adds to `servers`). */
function planExporters(id: string, servers: ServerPlan[], nNode: number): ExporterPlan[] {
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
  return exporters.sort((a, b) => a.id.localeCompare(b.id));
}

/** PDUs (one per rack) and the UPSs feeding them, sized on the servers' maximum draw. */
function planPower(seed: number, id: string, servers: ServerPlan[], n: Counts) {
  const pdus: PduPlan[] = [];
  for (let p = 0; p < n.nPdus; p++) {
    const pr = rng(seed, 'pdu', id, p);
    pdus.push({
      id: `${id}-pdu-${pad(p + 1, 3)}`,
      kind: 'pdu',
      // Every center with two or more PDUs has Redfish PDUs next to SNMP ones.
      protocol: p % 3 === 1 ? 'redfish' : 'snmp',
      ups: Math.floor((p * n.nUps) / n.nPdus),
      networkWatts: pr.range(150, 450),
      probe: pr.chance(0.6),
    });
  }
  const pduMaxW = pdus.map(
    (p, pi) => p.networkWatts + servers.filter((s) => s.pdu === pi).reduce((sum, s) => sum + serverMaxWatts(s), 0),
  );
  const itMaxKw = pduMaxW.reduce((a, b) => a + b, 0) / 1000;
  const ups: UpsPlan[] = [];
  for (let u = 0; u < n.nUps; u++) {
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
  return { pdus, ups, itMaxKw };
}

/** Meters (with rooftop PV in sunny provinces), chillers (air-cooled in the dry northwest) and CRAHs. */
function planPlant(r: Rng, seed: number, site: Site, itMaxKw: number, n: Counts) {
  const { code, id } = site;
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
  for (let c = 0; c < n.nChillersRunning + (n.standby ? 1 : 0); c++) {
    const cr = rng(seed, 'chiller', id, c);
    chillers.push({
      id: `${id}-chiller-${pad(c + 1, 2)}`,
      kind: 'chiller',
      running: c < n.nChillersRunning,
      waterM3PerKwh: dry ? cr.range(0.0005, 0.0015) : cr.range(0.006, 0.01),
    });
  }
  const crahs: CrahPlan[] = [];
  for (let c = 0; c < n.nCrahs; c++) crahs.push({ id: `${id}-crah-${pad(c + 1, 2)}`, kind: 'crah' });
  return { pvPeakKw, meters, chillers, crahs };
}

/** Cooling design factor by age (new liquid-cooled and hub centers lower) and rated capacities. */
function planDesign(r: Rng, site: Site, itMaxKw: number, nPdus: number) {
  const liquid = site.type === 'intelligent' && site.commissionYear >= 2021 && r.chance(0.6);
  let design =
    site.commissionYear >= 2022
      ? r.range(0.55, 0.8)
      : site.commissionYear >= 2015
        ? r.range(0.75, 1.0)
        : r.range(0.95, 1.15);
  if (liquid) design -= 0.08;
  if (site.isHub) design -= 0.04;
  design = Math.max(0.5, design);
  const itRatedKw = Math.round(itMaxKw * r.range(1.1, 1.3) * 10) / 10;
  const racksInstalled = Math.ceil(nPdus / r.range(0.6, 0.95));
  const racksDesign = Math.ceil(racksInstalled * r.range(1, 1.5));
  const miscKw = Math.round(itRatedKw * r.range(0.005, 0.015) * 100) / 100;
  return { liquid, design, itRatedKw, racksInstalled, racksDesign, miscKw };
}
type Design = ReturnType<typeof planDesign>;

/**
 * How many times the real center is its simulated model: the real center has the installed racks of its MIIT class,
 * the simulation a handful; N is a whole number so counts stay whole (own stream: the devices stay as they were).
 */
function modelScaleOf(seed: number, site: Site, modelRacks: number): number {
  const [lo, hi] = CLASS_RACKS[site.size];
  const racks = rng(seed, 'magnitude', site.id).range(lo, hi);
  return Math.max(1, Math.round(racks / modelRacks));
}

/** The center's registry entry (registry.schema.json), at the real center's magnitudes: the last draws of its stream. */
function registryEntry(r: Rng, seed: number, site: Site, d: Design, nServers: number): Center {
  const { prov, city, type } = site;
  const [operator, operatorEn] = r.pick(OPERATORS);
  const [word, wordEn] = rng(seed, 'name', site.id).pick(NAME_WORDS);
  const n = modelScaleOf(seed, site, d.racksInstalled);
  const itRatedKw = Math.round(d.itRatedKw * n);
  const center: Center = {
    id: site.id,
    name: `${city.zh}${word}${TYPE_WORDS[type][0]}`,
    name_en: `${city.name} ${wordEn} ${TYPE_WORDS[type][1]}`,
    province: site.code,
    city: city.name,
    type,
    hub_cluster: city.cluster ?? null,
    commission_date: isoDate(site.commissionMs),
    size_class: site.size,
    status: 'operating',
    racks_design: d.racksDesign * n,
    racks_installed: d.racksInstalled * n,
    it_rated_kw: itRatedKw,
    grid_capacity_kw: Math.round(itRatedKw * r.range(1.6, 2.2)),
    it_pipeline_kw: r.chance(0.3) ? Math.round(itRatedKw * r.range(0.2, 1)) : 0,
    liquid_cooled_it_kw: d.liquid ? Math.round(itRatedKw * r.range(0.3, 0.8)) : 0,
    dr_capacity_kw: r.chance(0.4) ? Math.round(itRatedKw * r.range(0.05, 0.15)) : 0,
    wan_bandwidth_gbps: r.pick([10, 20, 40, 100, 200, 400]) * CLASS_WAN[site.size],
    platform_connected: r.chance(site.isHub ? 0.9 : 0.6),
    storage_total_tb: Math.round(nServers * r.range(20, 120) * n),
    storage_flash_tb: 0,
    operator,
    operator_en: operatorEn,
    lat: Math.round((prov.lat + (city.dLat ?? 0) + r.range(-0.05, 0.05)) * 1000) / 1000,
    lon: Math.round((prov.lon + (city.dLon ?? 0) + r.range(-0.05, 0.05)) * 1000) / 1000,
    model_scale: n,
  };
  center.storage_flash_tb = Math.round(center.storage_total_tb! * r.range(0.1, 0.6));
  return center;
}

function planCenter(
  seed: number,
  index: number,
  scale: number,
  asOfMs: number,
  originMs: number,
): { center: Center; plan: CenterPlan } {
  const r = rng(seed, 'center', index);
  const site = planSite(r, seed, index, asOfMs);
  const id = site.id;
  const n = deviceCounts(r, site, scale);
  const servers = planServers(r, seed, site, n);
  const exporters = planExporters(id, servers, n.nNode);
  const { pdus, ups, itMaxKw } = planPower(seed, id, servers, n);
  const { pvPeakKw, meters, chillers, crahs } = planPlant(r, seed, site, itMaxKw, n);
  const d = planDesign(r, site, itMaxKw, n.nPdus);
  const climate = climateAt(site.prov.lat + (site.city.dLat ?? 0), site.city.altitudeKm);
  const chillerShare = r.range(0.6, 0.75);
  const distLossShare = r.range(0.01, 0.025);
  const center = registryEntry(r, seed, site, d, n.nServers);
  // Network and scheduling need the registry entry (position, WAN link, platform connection).
  const { router, prober } = planNetwork(
    seed,
    id,
    site.code,
    center.lat!,
    center.lon!,
    center.wan_bandwidth_gbps!,
    center.it_rated_kw,
  );
  // Own stream, so adding the network left every other device of the center as it was.
  const schedShare = center.platform_connected && n.nAccel > 0 ? rng(seed, 'scheduling', id).range(0.15, 0.45) : 0;
  const plan: CenterPlan = {
    center: id,
    seed,
    province: site.code,
    type: site.type,
    originMs: Math.max(originMs, localMidnightMs(isoDate(site.commissionMs))),
    climate,
    coolingDesign: d.design,
    chillerShare,
    distLossShare,
    miscKw: d.miscKw,
    pvPeakKw,
    servers,
    pdus,
    ups,
    meters,
    chillers,
    crahs,
    exporters,
    router,
    prober,
    schedShare,
    modelScale: center.model_scale!,
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
      router: 1,
      smokeping: 1,
    },
  };
  return { center, plan };
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
  const names = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { center, plan } = planCenter(seed, i, scale, asOfMs, originMs);
    // A second center of one name in one city is its next phase: 贵阳云谷数据中心二期.
    const seen = names.get(center.name) ?? 0;
    names.set(center.name, seen + 1);
    if (seen > 0) {
      center.name += `${PHASES[Math.min(seen, PHASES.length) - 1]}期`;
      center.name_en += ` Phase ${seen + 1}`;
    }
    registry.centers.push(center);
    plans.push(plan);
  }
  return { registry, plans };
}
