/**
 * @module The true values of a center's telemetry raw metrics per interval, straight from the physics, so tests
 * can measure the agent's accuracy. Written as JSON Lines: one record per center and interval [start, end).
 *
 * Deltas are exact integrals; inventory is what the devices expose; peak PFLOPS come from the agent's chip
 * table (src/agent/chips/chips.yaml) looked up by exact model name, independently of the agent's matcher.
 */
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { defaultCatalog } from '../catalog/load.ts';
import { scaleMetrics } from '../records/scale.ts';
import { ACCEL_MODELS, CPU_MODELS } from './chips.ts';
import type { CenterPlan } from './fleet.ts';
import { probeCounts, SMOKEPING_BUCKETS_MS } from './network.ts';
import { simSeconds, T0_MS, type CenterPhysics } from './physics.ts';

const DAY_S = 86_400;
/** Bytes per TB (decimal, as traffic is reported). */
const BYTES_PER_TB = 1e12;

export interface GroundTruthRecord {
  center: string;
  start: string;
  end: string;
  metrics: Record<string, number>;
  histograms?: Record<string, { bounds: number[]; counts: number[] }>;
}

/** chips.yaml model name of each simulated chip. */
const CHIP_TABLE_MODEL: Record<string, string> = {
  xeon8380: 'Xeon Platinum 8380',
  xeon6330: 'Xeon Gold 6330',
  epyc7763: 'EPYC 7763',
  hygon7285: 'Hygon C86 7285',
  kunpeng920: 'Kunpeng 920 6426',
  phytiumS2500: 'S2500',
  a100: 'A100',
  h800: 'H800',
  l40s: 'L40S',
  ascend910b: 'Ascend 910B',
  ascend310p: 'Ascend 310P',
};

interface Peak {
  fp64: number | null;
  fp32: number | null;
  fp16: number | null;
}

const CHIPS_FILE = fileURLToPath(new URL('../agent/chips/chips.yaml', import.meta.url));
let peaks: Map<string, Peak> | null | undefined;

/** Peak TFLOPS per simulated chip key, or null when the agent's chip table is not there. */
function chipPeaks(): Map<string, Peak> | null {
  if (peaks !== undefined) return peaks;
  if (!existsSync(CHIPS_FILE)) return (peaks = null);
  const table = parseYaml(readFileSync(CHIPS_FILE, 'utf8')) as { chips?: Array<{ model: string; peak_tflops: Peak }> };
  const byModel = new Map((table.chips ?? []).map((c) => [c.model, c.peak_tflops]));
  peaks = new Map();
  for (const [key, model] of Object.entries(CHIP_TABLE_MODEL)) {
    const p = byModel.get(model);
    if (p) peaks.set(key, p);
  }
  return peaks;
}

/** Inventory counts and peak PFLOPS of the simulated devices (the model, not yet scaled): snapshots. */
export function inventory(plan: CenterPlan): Record<string, number> {
  const out: Record<string, number> = {
    servers_total: plan.servers.length,
    servers_domestic_cpu: 0,
    accel_total: 0,
    accel_domestic: 0,
  };
  const table = chipPeaks();
  let general32 = 0;
  let accel16 = 0;
  let accel32 = 0;
  let fp64 = 0;
  let dom16 = 0;
  for (const s of plan.servers) {
    const cpu = CPU_MODELS[s.cpuModel]!;
    if (cpu.domestic) out.servers_domestic_cpu! += 1;
    const cp = table?.get(s.cpuModel);
    general32 += s.sockets * (cp?.fp32 ?? 0);
    fp64 += s.sockets * (cp?.fp64 ?? 0);
    if (s.accelModel) {
      const acc = ACCEL_MODELS[s.accelModel]!;
      out.accel_total! += s.accelCount;
      if (acc.domestic) out.accel_domestic! += s.accelCount;
      const ap = table?.get(s.accelModel);
      accel16 += s.accelCount * (ap?.fp16 ?? 0);
      accel32 += s.accelCount * (ap?.fp32 ?? 0);
      fp64 += s.accelCount * (ap?.fp64 ?? 0);
      if (acc.domestic) dom16 += s.accelCount * (ap?.fp16 ?? 0);
    }
  }
  if (table) {
    // TFLOPS → PFLOPS. HPC FP64 is reported for supercomputing centers only (agent config center_type).
    out.pf_general_fp32 = general32 / 1000;
    out.pf_accel_fp16 = accel16 / 1000;
    out.pf_accel_fp32 = accel32 / 1000;
    out.pf_domestic_fp16 = dom16 / 1000;
    out.pf_hpc_fp64 = plan.type === 'supercomputing' ? fp64 / 1000 : 0;
  }
  return out;
}

/** The true raw metrics of one center over [fromMs, toMs). */
export function truthFor(physics: CenterPhysics, fromMs: number, toMs: number): GroundTruthRecord {
  const plan = physics.plan;
  const hours = (toMs - fromMs) / 3_600_000;
  const m: Record<string, number> = {
    e_total_kwh: physics.kwh('fac', fromMs, toMs),
    e_it_kwh: physics.kwh('it', fromMs, toMs),
    e_cooling_kwh: physics.kwh('cool', fromMs, toMs),
    e_loss_kwh: physics.kwh('loss', fromMs, toMs),
    e_green_direct_kwh: physics.kwh('pv', fromMs, toMs),
    // WAN uplinks carry traffic in proportion to the IT energy (the router's counters are built the same way).
    traffic_in_tb: (physics.kwh('it', fromMs, toMs) * plan.router.bytesInPerKwh) / BYTES_PER_TB,
    traffic_out_tb: (physics.kwh('it', fromMs, toMs) * plan.router.bytesOutPerKwh) / BYTES_PER_TB,
    water_m3: plan.chillers.reduce((sum, _, ci) => sum + physics.between(`wat/${ci}`, fromMs, toMs), 0),
    cpu_core_h_avail: 0,
    cpu_core_h_busy: 0,
    accel_dev_h_avail: 0,
    accel_dev_h_busy: 0,
    accel_dev_h_alloc: 0,
    accel_dev_h_sched: 0,
    accel_dom_dev_h_avail: 0,
    accel_dom_dev_h_busy: 0,
    accel_idle: 0,
  };
  const table = chipPeaks();
  let pflopH = 0;
  // Before the center's origin nothing runs (the center is not commissioned yet).
  const liveFrom = Math.max(fromMs, plan.originMs);
  const liveHours = Math.max(0, (toMs - liveFrom) / 3_600_000);
  for (const e of plan.exporters) {
    const s = plan.servers[e.server]!;
    if (e.kind === 'node') {
      const cores = s.sockets * CPU_MODELS[s.cpuModel]!.info.cores;
      m.cpu_core_h_avail! += cores * liveHours;
      m.cpu_core_h_busy! += (cores * physics.between(`cpu/${e.server}`, fromMs, toMs)) / 3600;
      continue;
    }
    const domestic = ACCEL_MODELS[s.accelModel!]!.domestic;
    for (let j = 0; j < s.accelCount; j++) {
      const busy = physics.between(`acc/${e.server}/${j}`, fromMs, toMs) / 3600;
      m.accel_dev_h_avail! += liveHours;
      m.accel_dev_h_busy! += busy;
      pflopH += (busy * (table?.get(s.accelModel!)?.fp16 ?? 0)) / 1000;
      m.accel_dev_h_alloc! += physics.between(`alloc/${e.server}/${j}`, fromMs, toMs) / 3600;
      m.accel_dev_h_sched! += scheduledBusyHours(physics, e.server, j, fromMs, toMs);
      if (domestic) {
        m.accel_dom_dev_h_avail! += liveHours;
        m.accel_dom_dev_h_busy! += busy;
      }
      if (busy < 0.05 * hours) m.accel_idle! += 1;
    }
  }
  if (table) m.pflop_h_delivered = pflopH;
  return {
    center: plan.center,
    start: new Date(fromMs).toISOString(),
    end: new Date(toMs).toISOString(),
    // The model's readings scaled up to the whole center (its agent does the same).
    metrics: scaleMetrics(defaultCatalog(), { ...m, ...inventory(plan) }, plan.modelScale),
    histograms: latencyTruth(plan, fromMs, toMs),
  };
}

/** Busy hours of card j of server i over [fromMs, toMs) spent on platform-dispatched jobs (decided per local day). */
function scheduledBusyHours(physics: CenterPhysics, i: number, j: number, fromMs: number, toMs: number): number {
  let seconds = 0;
  for (let day = Math.floor(simSeconds(fromMs) / DAY_S); T0_MS + day * DAY_S * 1000 < toMs; day++) {
    const a = Math.max(fromMs, T0_MS + day * DAY_S * 1000);
    const b = Math.min(toMs, T0_MS + (day + 1) * DAY_S * 1000);
    if (b > a && physics.allocated(i, j, day) && physics.scheduled(i, j, day))
      seconds += physics.between(`acc/${i}/${j}`, a, b);
  }
  return seconds / 3600;
}

/** Round-trip-time histograms of the center's probes over [fromMs, toMs), in the prober's (= the catalog's) buckets. */
export function latencyTruth(
  plan: CenterPlan,
  fromMs: number,
  toMs: number,
): Record<string, { bounds: number[]; counts: number[] }> {
  const out: Record<string, { bounds: number[]; counts: number[] }> = {};
  const originS = simSeconds(plan.originMs);
  for (const t of plan.prober.targets) {
    const id = `lat_${t.class}_hist`;
    const h = (out[id] ??= {
      bounds: [...SMOKEPING_BUCKETS_MS],
      counts: new Array<number>(SMOKEPING_BUCKETS_MS.length + 1).fill(0),
    });
    const a = probeCounts(t, originS, simSeconds(fromMs), SMOKEPING_BUCKETS_MS);
    const b = probeCounts(t, originS, simSeconds(toMs), SMOKEPING_BUCKETS_MS);
    let below = 0;
    SMOKEPING_BUCKETS_MS.forEach((_, k) => {
      const cum = b.le[k]! - a.le[k]!;
      h.counts[k]! += cum - below;
      below = cum;
    });
    h.counts[SMOKEPING_BUCKETS_MS.length]! += b.count - a.count - below;
  }
  return out;
}

/** Ground truth for every interval of `intervalMs` between two aligned instants. */
export function truthSeries(
  physics: CenterPhysics,
  fromMs: number,
  toMs: number,
  intervalMs: number,
): GroundTruthRecord[] {
  const out: GroundTruthRecord[] = [];
  for (let t = fromMs; t + intervalMs <= toMs; t += intervalMs) out.push(truthFor(physics, t, t + intervalMs));
  return out;
}

/**
 * Writes ground truth as the simulated clock passes interval boundaries: each record is appended once its
 * interval has fully elapsed in simulated time.
 */
export class GroundTruthWriter {
  private readonly out: WriteStream;
  private readonly physics: CenterPhysics[];
  private readonly intervalMs: number;
  private next: number;

  constructor(file: string, physics: CenterPhysics[], intervalMs: number, startMs: number) {
    this.out = createWriteStream(file, { flags: 'a' });
    this.physics = physics;
    this.intervalMs = intervalMs;
    this.next = Math.floor(startMs / intervalMs) * intervalMs;
  }

  /** Appends every interval that ended at or before `nowMs`; returns how many records were written. */
  advance(nowMs: number): number {
    let n = 0;
    while (this.next + this.intervalMs <= nowMs) {
      for (const ph of this.physics) {
        this.out.write(`${JSON.stringify(truthFor(ph, this.next, this.next + this.intervalMs))}\n`);
        n += 1;
      }
      this.next += this.intervalMs;
    }
    return n;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
