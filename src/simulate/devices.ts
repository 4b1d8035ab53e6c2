/**
 * @module SimDevices for every planned device of a center, reading their state from the center's physics.
 *
 * Sums hold by construction: a PDU's outlets are its servers' inputs plus a network outlet, a UPS outputs
 * its PDUs, the IT meter reads Σ UPS output, the cooling meter Σ chillers + CRAHs, the facility meter
 * IT + cooling + losses. Counters start from a device-specific reading (a meter is never new) and may be
 * rewritten by injected counter resets and meter replacements; the physics (and the ground truth) never are.
 */
import { ACCEL_MODELS, CPU_MODELS } from './chips.ts';
import type {
  ChillerState,
  CrahState,
  DcgmState,
  DeviceState,
  MeterState,
  NodeState,
  NpuState,
  PduState,
  RouterState,
  ServerState,
  SmokepingState,
  SimDevice,
  UpsState,
} from './device-state.ts';
import {
  type CenterPlan,
  type ChillerPlan,
  type CrahPlan,
  type ExporterPlan,
  type MeterPlan,
  type MeterRole,
  type PduPlan,
  type ServerPlan,
  type UpsPlan,
  serverMaxWatts,
} from './fleet.ts';
import { CenterPhysics, simSeconds } from './physics.ts';
import { probeCounts, SMOKEPING_BUCKETS_MS } from './network.ts';
import { hash32 } from './random.ts';

const J_PER_KWH = 3_600_000;
const VOLTS = 220;

/** A rewrite of a device's counters from a simulated instant on. */
export interface CounterEvent {
  atMs: number;
  /** reset: the counters restart from 0 (firmware reset, reboot, wrap); replace: a new meter with its own start reading. */
  kind: 'reset' | 'replace';
  /** First reading after the event (default 0). */
  startValue?: number;
}

export interface BuildOptions {
  /** Counter events per device id. */
  counterEvents?: ReadonlyMap<string, readonly CounterEvent[]>;
}

/** A center's devices with its physics. */
export interface CenterDevices {
  plan: CenterPlan;
  physics: CenterPhysics;
  devices: SimDevice[];
  byId: Map<string, SimDevice>;
}

type Counter = (ms: number) => number;

/** A counter as the device reports it: raw physics integral plus start reading, rewritten by events. */
function counterWith(events: readonly CounterEvent[] | undefined, raw: Counter): Counter {
  if (!events || events.length === 0) return raw;
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  return (ms) => {
    let last: CounterEvent | undefined;
    for (const e of sorted) if (e.atMs <= ms) last = e;
    if (!last) return raw(ms);
    return (last.startValue ?? 0) + raw(ms) - raw(last.atMs);
  };
}

/** A reading the device had accumulated before the simulation's origin: uniform in [0, max), fixed per device. */
function startReading(seed: number, id: string, field: string, max: number): number {
  return Math.round((hash32(`${seed}|start|${id}|${field}`) / 4294967296) * max * 10) / 10;
}

/** A small, fixed, per-device offset in [-1, 1). */
function jitter(seed: number, id: string, field: string): number {
  return (hash32(`${seed}|jitter|${id}|${field}`) / 4294967296) * 2 - 1;
}

function splitPhases(total: number, seed: number, id: string): [number, number, number] {
  // A slightly unbalanced three-phase load; the phases add up to the total exactly.
  const a = total * (1 / 3 + 0.02 * jitter(seed, id, 'phaseA'));
  const b = total * (1 / 3 + 0.02 * jitter(seed, id, 'phaseB'));
  return [a, b, total - a - b];
}

function podName(seed: number, id: string, j: number, day: number): string {
  return `job-${(hash32(`${seed}|pod|${id}|${j}|${day}`) % 100_000).toString(36)}-${j}`;
}

const METER_CHANNEL: Record<MeterRole, string> = { facility: 'fac', it: 'it', cooling: 'cool', pv: 'pv' };

/** What every device builder of one center shares: its plan, physics, seed, counter events and helpers. */
interface Ctx {
  plan: CenterPlan;
  ph: CenterPhysics;
  seed: number;
  events: ReadonlyMap<string, readonly CounterEvent[]>;
  /** A kWh counter of a physics channel, from a start reading. */
  kwh(ch: string, start: number): Counter;
  /** CRAH supply air follows the outdoor temperature a little (economiser mixing), 18–23 °C. */
  supplyAir(ms: number): number;
}

/** Builds every device of a center: one stage per kind of device, in a fixed order. */
export function buildCenterDevices(
  plan: CenterPlan,
  options: BuildOptions = {},
  physics: CenterPhysics = new CenterPhysics(plan),
): CenterDevices {
  const ph = physics;
  const ctx: Ctx = {
    plan,
    ph,
    seed: plan.seed,
    events: options.counterEvents ?? new Map<string, CounterEvent[]>(),
    kwh: (ch, start) => (ms) => start + ph.cumulative(ch, ms) / J_PER_KWH,
    supplyAir: (ms) => 20.5 + Math.max(-2.5, Math.min(2.5, 0.12 * (ph.outdoorC(ms) - plan.climate.meanC))),
  };
  const devices: SimDevice[] = [
    ...plan.servers.map((s, i) => serverDevice(ctx, s, i)),
    ...plan.pdus.map((pdu, pi) => pduDevice(ctx, pdu, pi)),
    ...plan.ups.map((u, ui) => upsDevice(ctx, u, ui)),
    ...plan.meters.map((m) => meterDevice(ctx, m)),
    ...plan.chillers.map((c, ci) => chillerDevice(ctx, c, ci)),
    ...plan.crahs.map((r, ri) => crahDevice(ctx, r, ri)),
    ...plan.exporters.map((e) => exporterDevice(ctx, e)),
    routerDevice(ctx),
    proberDevice(ctx),
  ];
  return { plan, physics: ph, devices, byId: new Map(devices.map((d) => [d.id, d])) };
}

/** A server's BMC: its power, two load-sharing PSUs, inlet and exhaust, and its chips. */
function serverDevice(ctx: Ctx, s: ServerPlan, i: number): SimDevice<ServerState> {
  const { ph, seed } = ctx;
  const cpu = CPU_MODELS[s.cpuModel]!;
  const acc = s.accelModel ? ACCEL_MODELS[s.accelModel] : undefined;
  const energy = counterWith(ctx.events.get(s.id), ctx.kwh(`srv/${i}`, startReading(seed, s.id, 'energy', 5000)));
  const maxW = serverMaxWatts(s);
  const inletOffset = 1 + 1.5 * (jitter(seed, s.id, 'inlet') + 1);
  return {
    id: s.id,
    kind: 'server',
    read(ms) {
      const p = ph.at(`srv/${i}`, ms);
      const e = energy(ms);
      const inlet = ctx.supplyAir(ms) + inletOffset + 1.5 * (p / maxW);
      return {
        kind: 'server',
        powerWatts: p,
        energyKwh: e,
        inletCelsius: inlet,
        exhaustCelsius: inlet + 5 + 12 * (p / maxW),
        // Two load-sharing PSUs at 94% efficiency.
        psus: [0, 1].map(() => ({ inputWatts: p / 2, outputWatts: (p / 2) * 0.94, energyKwh: e / 2 })),
        cpus: Array.from({ length: s.sockets }, () => ({ ...cpu.info })),
        accelerators: acc ? Array.from({ length: s.accelCount }, () => ({ ...acc.info })) : [],
      };
    },
  };
}

/** A rack PDU: one outlet per server it feeds plus the network outlet; its meter is the sum of its outlets. */
function pduDevice(ctx: Ctx, pdu: PduPlan, pi: number): SimDevice<PduState> {
  const { plan, ph, seed } = ctx;
  const ev = ctx.events.get(pdu.id);
  const fed = plan.servers.flatMap((s, i) => (s.pdu === pi ? [{ s, i }] : []));
  const outlets = [
    ...fed.map(({ s, i }) => ({ name: s.id, ch: `srv/${i}` })),
    { name: 'network', ch: `net/${pi}` },
  ].map((o, j) => ({ ...o, energy: counterWith(ev, ctx.kwh(o.ch, startReading(seed, pdu.id, `outlet${j}`, 20_000))) }));
  return {
    id: pdu.id,
    kind: 'pdu',
    read(ms) {
      const list = outlets.map((o) => ({
        name: o.name,
        powerWatts: ph.at(o.ch, ms),
        energyKwh: o.energy(ms),
        on: true,
      }));
      return {
        kind: 'pdu',
        powerWatts: list.reduce((a, o) => a + o.powerWatts, 0),
        // The PDU's own meter is the sum of its outlets (a reset of the PDU resets them all alike).
        energyKwh: list.reduce((a, o) => a + o.energyKwh, 0),
        outlets: list,
        ...(pdu.probe ? { inletCelsius: ctx.supplyAir(ms) + 1.5 + jitter(seed, pdu.id, 'probe') } : {}),
      };
    },
  };
}

/** A UPS: three-phase input and output lines, battery state, and an output energy counter. */
function upsDevice(ctx: Ctx, u: UpsPlan, ui: number): SimDevice<UpsState> {
  const { ph, seed } = ctx;
  const energy = counterWith(ctx.events.get(u.id), ctx.kwh(`ups/${ui}`, startReading(seed, u.id, 'energy', 500_000)));
  return {
    id: u.id,
    kind: 'ups',
    read(ms) {
      const out = ph.at(`ups/${ui}`, ms);
      const inp = ph.at(`upsin/${ui}`, ms);
      const load = out / (u.ratingKw * 1000);
      return {
        kind: 'ups',
        inputLines: splitPhases(inp, seed, u.id).map((w) => ({
          voltage: VOLTS,
          currentAmps: w / VOLTS,
          powerWatts: w,
          frequencyHz: 50,
        })),
        outputLines: splitPhases(out, seed, `${u.id}/out`).map((w) => ({
          voltage: VOLTS,
          currentAmps: w / VOLTS,
          powerWatts: w,
          percentLoad: Math.round(load * 100),
        })),
        batteryStatus: 'normal',
        secondsOnBattery: 0,
        minutesRemaining: Math.round(15 / Math.max(0.1, load)),
        chargePercent: 100,
        outputEnergyKwh: energy(ms),
      };
    },
  };
}

/** A three-phase energy meter on the facility, IT, cooling or PV feed. */
function meterDevice(ctx: Ctx, m: MeterPlan): SimDevice<MeterState> {
  const { ph, seed } = ctx;
  const ch = METER_CHANNEL[m.role];
  const energy = counterWith(ctx.events.get(m.id), ctx.kwh(ch, startReading(seed, m.id, 'import', 50_000)));
  return {
    id: m.id,
    kind: 'meter',
    read(ms) {
      const p = ph.at(ch, ms);
      const phases = splitPhases(p, seed, m.id);
      const voltage: [number, number, number] = [
        VOLTS + jitter(seed, m.id, 'v1'),
        VOLTS + jitter(seed, m.id, 'v2'),
        VOLTS + jitter(seed, m.id, 'v3'),
      ];
      return {
        kind: 'meter',
        phaseVoltage: voltage,
        phaseCurrentAmps: [phases[0] / voltage[0], phases[1] / voltage[1], phases[2] / voltage[2]],
        phasePowerWatts: phases,
        totalPowerWatts: p,
        frequencyHz: 50,
        importKwh: energy(ms),
        exportKwh: 0,
      };
    },
  };
}

/** A water-cooled chiller: electrical power and energy, chilled-water temperatures and flow, make-up water. */
function chillerDevice(ctx: Ctx, c: ChillerPlan, ci: number): SimDevice<ChillerState> {
  const { ph, seed } = ctx;
  const ev = ctx.events.get(c.id);
  const energy = counterWith(ev, ctx.kwh(`chl/${ci}`, startReading(seed, c.id, 'energy', 800_000)));
  const water = counterWith(ev, (ms) => startReading(seed, c.id, 'water', 50_000) + ph.cumulative(`wat/${ci}`, ms));
  return {
    id: c.id,
    kind: 'chiller',
    read(ms) {
      const kw = ph.at(`chl/${ci}`, ms) / 1000;
      // Heat rejected ≈ electricity × COP (~5); chilled water at a 5 K rise: flow = Q / (1.163 kWh/m³K × 5 K).
      const supply = 10 + 0.5 * jitter(seed, c.id, 'supply');
      return {
        kind: 'chiller',
        running: c.running,
        powerKw: kw,
        energyKwh: energy(ms),
        supplyCelsius: supply,
        returnCelsius: c.running ? supply + 5 : supply,
        flowM3h: (kw * 5) / (1.163 * 5),
        waterM3: water(ms),
        alarms: 0,
      };
    },
  };
}

/** A CRAH: power and energy, supply and return air, humidity, fan and valve following its share of the load. */
function crahDevice(ctx: Ctx, r: CrahPlan, ri: number): SimDevice<CrahState> {
  const { plan, ph, seed } = ctx;
  const energy = counterWith(ctx.events.get(r.id), ctx.kwh(`crah/${ri}`, startReading(seed, r.id, 'energy', 200_000)));
  return {
    id: r.id,
    kind: 'crah',
    read(ms) {
      const kw = ph.at(`crah/${ri}`, ms) / 1000;
      const it = ph.at('it', ms) / 1000 / plan.crahs.length;
      const share = Math.min(1, kw / Math.max(0.1, it * 0.15));
      const supply = ctx.supplyAir(ms);
      return {
        kind: 'crah',
        running: true,
        powerKw: kw,
        energyKwh: energy(ms),
        supplyAirCelsius: supply,
        returnAirCelsius: supply + 10 + 2 * share,
        humidityPercent: 45 + 5 * Math.sin(simSeconds(ms) / 20_000 + jitter(seed, r.id, 'rh') * 3),
        fanPercent: 30 + 60 * share,
        valvePercent: 20 + 70 * share,
        alarms: 0,
      };
    },
  };
}

/** An exporter on a server: node_exporter, or the DCGM / npu exporter of its accelerators. */
function exporterDevice(ctx: Ctx, e: ExporterPlan): SimDevice {
  if (e.kind === 'node') return nodeExporter(ctx, e);
  const s = ctx.plan.servers[e.server]!;
  const cards = acceleratorCards(ctx, e);
  const acc = ACCEL_MODELS[s.accelModel!]!;
  if (e.kind === 'dcgm') {
    const ev = ctx.events.get(e.id);
    const energy = Array.from({ length: s.accelCount }, (_, j) =>
      counterWith(ev, (ms) => ctx.ph.cumulative(`accp/${e.server}/${j}`, ms) * 1000),
    );
    const device: SimDevice<DcgmState> = {
      id: e.id,
      kind: 'dcgm',
      read(ms) {
        return {
          kind: 'dcgm',
          hostname: s.id.replace(/-bmc-/, '-host-'),
          gpus: cards(ms).map((c, j) => ({
            uuid: `GPU-${hash32(`${ctx.seed}|uuid|${s.id}|${j}`).toString(16).padStart(8, '0')}-${j}`,
            model: acc.info.model,
            utilizationPercent: c.util * 100,
            powerWatts: c.power,
            energyMillijoules: energy[j]!(ms),
            pod: c.pod,
            namespace: c.namespace,
          })),
        };
      },
    };
    return device;
  }
  const device: SimDevice<NpuState> = {
    id: e.id,
    kind: 'npu',
    read(ms) {
      return {
        kind: 'npu',
        chips: cards(ms).map((c, j) => ({
          id: j,
          name: acc.npuName ?? acc.info.model,
          utilizationPercent: c.util * 100,
          powerWatts: c.power,
          temperatureCelsius: 35 + 40 * c.util,
          health: 1 as const,
          pod: c.pod,
          namespace: c.namespace,
        })),
      };
    },
  };
  return device;
}

/** node_exporter: CPU seconds per core, booted some days before the origin at the host's mean load. */
function nodeExporter(ctx: Ctx, e: ExporterPlan): SimDevice<NodeState> {
  const { ph, seed } = ctx;
  const i = e.server;
  const s = ctx.plan.servers[i]!;
  const ev = ctx.events.get(e.id);
  const cpu = CPU_MODELS[s.cpuModel]!;
  const cores = s.sockets * cpu.info.cores;
  const upBefore = startReading(seed, e.id, 'uptime', 30 * 86_400);
  const total = counterWith(ev, (ms) => upBefore + Math.max(0, simSeconds(ms) - ph.originS));
  const busy = counterWith(ev, (ms) => upBefore * s.cpuLoad.base + ph.cumulative(`cpu/${i}`, ms));
  return {
    id: e.id,
    kind: 'node',
    read(ms) {
      const t = total(ms);
      const b = busy(ms);
      const perCpu = { user: 0.82 * b, system: 0.15 * b, softirq: 0.03 * b, idle: t - b };
      return {
        kind: 'node',
        cpuSeconds: Array.from({ length: cores }, () => ({ ...perCpu })),
        cpu: { ...cpu.info },
      };
    },
  };
}

/** One accelerator card of a server at an instant: utilization, power and the pod holding it. */
interface Card {
  util: number;
  power: number;
  pod: string;
  namespace: string;
}

/** The cards of an accelerator exporter's server at an instant; allocation changes by simulated day. */
function acceleratorCards(ctx: Ctx, e: ExporterPlan): (ms: number) => Card[] {
  const { ph, seed } = ctx;
  const i = e.server;
  const s = ctx.plan.servers[i]!;
  return (ms) => {
    const day = Math.floor(simSeconds(ms) / 86_400);
    return Array.from({ length: s.accelCount }, (_, j) => {
      const on = ph.allocated(i, j, day);
      return {
        util: ph.at(`acc/${i}/${j}`, ms),
        power: ph.at(`accp/${i}/${j}`, ms),
        pod: on ? podName(seed, s.id, j, day) : '',
        // Jobs the scheduling platform dispatched run in its own namespace; the agent config names it.
        namespace: on ? (ph.scheduled(i, j, day) ? 'sched-national' : 'ai-training') : '',
      };
    });
  };
}

/** Border router: each uplink carries its share of the center's traffic, which follows the IT energy. */
function routerDevice(ctx: Ctx): SimDevice<RouterState> {
  const { ph, seed } = ctx;
  const rt = ctx.plan.router;
  const uplinks = rt.uplinks.map((name, k) => ({
    name,
    inOctets: startReading(seed, rt.id, `in${k}`, 1e12),
    outOctets: startReading(seed, rt.id, `out${k}`, 1e12),
  }));
  return {
    id: rt.id,
    kind: 'router',
    read(ms) {
      const itKwh = ph.cumulative('it', ms) / J_PER_KWH;
      return {
        kind: 'router',
        interfaces: [
          ...uplinks.map((u, k) => ({
            name: u.name,
            speedMbps: 100_000,
            up: true,
            inOctets: BigInt(Math.round(u.inOctets + itKwh * rt.bytesInPerKwh * rt.split[k]!)),
            outOctets: BigInt(Math.round(u.outOctets + itKwh * rt.bytesOutPerKwh * rt.split[k]!)),
          })),
          // The link to the core switches carries east-west traffic too: not WAN, and the agent config leaves it out.
          {
            name: 'Bundle-Ether10',
            speedMbps: 400_000,
            up: true,
            inOctets: BigInt(Math.round(itKwh * rt.bytesInPerKwh * 3)),
            outOctets: BigInt(Math.round(itKwh * rt.bytesOutPerKwh * 3)),
          },
          { name: 'MgmtEth0/RP0/CPU0/0', speedMbps: 1000, up: true, inOctets: 0n, outOctets: 0n },
        ],
      };
    },
  };
}

/**
 * Latency prober, started when the center was commissioned (its origin). A counter event is a restart of the prober
 * process: every histogram counter starts again from zero there.
 */
function proberDevice(ctx: Ctx): SimDevice<SmokepingState> {
  const pr = ctx.plan.prober;
  const restarts = [...(ctx.events.get(pr.id) ?? [])].map((e) => e.atMs).sort((a, b) => a - b);
  return {
    id: pr.id,
    kind: 'smokeping',
    read(ms) {
      const nowS = simSeconds(ms);
      let sinceMs = ctx.plan.originMs;
      for (const r of restarts) if (r <= ms && r > sinceMs) sinceMs = r;
      const fromS = simSeconds(sinceMs);
      return {
        kind: 'smokeping',
        bucketsS: SMOKEPING_BUCKETS_MS.map((b) => b / 1000),
        targets: pr.targets.map((t) => ({
          host: t.host,
          ip: t.ip,
          ...probeCounts(t, fromS, nowS, SMOKEPING_BUCKETS_MS),
        })),
      };
    },
  };
}

/** Narrows a device list to the kinds given. */
export function devicesOfKind<K extends DeviceState['kind']>(
  devices: readonly SimDevice[],
  ...kinds: K[]
): Array<SimDevice<Extract<DeviceState, { kind: K }>>> {
  return devices.filter((d) => (kinds as string[]).includes(d.kind)) as Array<
    SimDevice<Extract<DeviceState, { kind: K }>>
  >;
}
