/**
 * @module Serves a whole fleet on 127.0.0.1 over the real protocols, on few ports: one Redfish server (BMCs
 * and Redfish PDUs), one SNMP agent (UPSs, SNMP PDUs), one Prometheus exporter server (node, DCGM, npu), and
 * Modbus TCP servers holding up to 247 units each (whole centers per server). All read one shared SimClock.
 *
 * Also applies the fault config (protocol faults, scheduled over simulated time, and counter events),
 * writes ground truth as simulated intervals elapse, and generates each center's agent config.
 */
import { startModbusSimulator, type ModbusSimulator } from './modbus/simulator.ts';
import { startPrometheusSimulator, type ExporterDevice, type PrometheusSimulator } from './prometheus/simulator.ts';
import { startRedfishSimulator, type RedfishDevice, type RedfishSimulator } from './redfish/simulator.ts';
import { startSnmpSimulator, type SnmpSimDevice, type SnmpSimulator } from './snmp/simulator.ts';
import { agentConfigFor, type AgentConfigOptions, type Endpoints } from './agent-config.ts';
import { SimClock } from './clock.ts';
import type { FaultSpec, PduState, RouterState, SimDevice, UpsState } from './device-state.ts';
import { buildCenterDevices, type CenterDevices } from './devices.ts';
import { expandFaults, type FaultConfig, type ScheduledFault } from './faults.ts';
import type { Fleet } from './fleet.ts';
import { GroundTruthWriter } from './ground-truth.ts';
import { hash32 } from './random.ts';
import { CoolingFailures } from './cooling-failure.ts';

/** Options of {@link serveFleet}. */
export interface ServeOptions {
  fleet: Fleet;
  /** Shared simulated clock (default: real time). */
  clock?: SimClock;
  faults?: FaultConfig;
  /** Fixed ports per protocol (default 0 = free ports). Modbus servers take consecutive ports from its base. */
  ports?: { redfish?: number; snmp?: number; modbus?: number; prometheus?: number };
  /** BMC credentials (default admin / dims-sim). */
  credentials?: { username: string; password: string };
  /** Append ground truth to this JSONL file every `intervalMs` of simulated time. */
  groundTruth?: { file: string; intervalMs: number };
}

/** A running simulation. */
export interface Simulation {
  readonly fleet: Fleet;
  readonly clock: SimClock;
  readonly centers: Map<string, CenterDevices>;
  readonly redfish: RedfishSimulator;
  readonly snmp: SnmpSimulator;
  readonly prometheus: PrometheusSimulator;
  readonly modbus: ModbusSimulator[];
  readonly endpoints: Endpoints;
  readonly credentials: { username: string; password: string };
  /** The agent config of one center (an object to write as YAML/JSON). */
  agentConfig(center: string, options?: AgentConfigOptions): Record<string, unknown>;
  /** Sets or clears a protocol fault now, on whichever server serves the device. */
  setFault(id: string, spec: FaultSpec | null): void;
  /** Starts (true) or clears (false) a cooling failure at a center: chillers and CRAHs stop, inlets heat up. */
  setCoolingFailure(center: string, failed: boolean): void;
  close(): Promise<void>;
}

/** Modbus unit ids are 1..247 per server. */
const MODBUS_UNITS = 247;

/** Redfish dialect of a server's BMC: Huawei for Kunpeng boxes, otherwise a fixed per-device pick. */
function bmcVendor(id: string, cpuModel: string): 'generic' | 'dell' | 'hpe' | 'huawei' {
  if (cpuModel === 'kunpeng920') return 'huawei';
  return (['generic', 'dell', 'hpe', 'generic'] as const)[hash32(`vendor|${id}`) % 4]!;
}

/** Starts every protocol server for the fleet and resolves once all listen. */
export async function serveFleet(options: ServeOptions): Promise<Simulation> {
  const { fleet } = options;
  const clock = options.clock ?? new SimClock();
  const now = clock.fn;
  const credentials = options.credentials ?? { username: 'admin', password: 'dims-sim' };
  const allIds = fleet.plans.flatMap((p) =>
    [...p.servers, ...p.pdus, ...p.ups, ...p.meters, ...p.chillers, ...p.crahs, ...p.exporters, p.router, p.prober].map(
      (d) => d.id,
    ),
  );
  const expanded = options.faults
    ? expandFaults(options.faults, allIds, clock.startMs)
    : { faults: [] as ScheduledFault[], counters: new Map() };

  const centers = new Map<string, CenterDevices>();
  for (const plan of fleet.plans)
    centers.set(plan.center, buildCenterDevices(plan, { counterEvents: expanded.counters }));
  // Integrate up to now once, so the first scrapes do not pay for the history since each center's origin.
  const t = clock.now();
  for (const c of centers.values()) c.physics.cumulative('fac', t);

  const redfishDevices: RedfishDevice[] = [];
  const snmpDevices: SnmpSimDevice[] = [];
  const exporterDevices: ExporterDevice[] = [];
  const modbusGroups: SimDevice[][] = [[]];
  const where = new Map<string, 'redfish' | 'snmp' | 'prometheus' | number>();
  for (const c of centers.values()) {
    const { plan, byId } = c;
    for (const s of plan.servers) {
      const dev = byId.get(s.id) as RedfishDevice;
      // Delegate rather than copy `read`, so a later change to the device (a cooling failure) shows over Redfish too.
      redfishDevices.push({
        id: dev.id,
        kind: dev.kind,
        read: (ms: number) => dev.read(ms),
        style: { schema: s.schema, vendor: bmcVendor(s.id, s.cpuModel) },
      } as RedfishDevice);
      where.set(s.id, 'redfish');
    }
    for (const p of plan.pdus) {
      const d = byId.get(p.id) as SimDevice<PduState>;
      if (p.protocol === 'redfish') redfishDevices.push(d);
      else snmpDevices.push(d);
      where.set(p.id, p.protocol);
    }
    for (const u of plan.ups) {
      snmpDevices.push(byId.get(u.id) as SimDevice<UpsState>);
      where.set(u.id, 'snmp');
    }
    for (const e of plan.exporters) {
      exporterDevices.push(byId.get(e.id) as ExporterDevice);
      where.set(e.id, 'prometheus');
    }
    snmpDevices.push(byId.get(plan.router.id) as SimDevice<RouterState>);
    where.set(plan.router.id, 'snmp');
    exporterDevices.push(byId.get(plan.prober.id) as ExporterDevice);
    where.set(plan.prober.id, 'prometheus');
    const units = [...plan.meters, ...plan.chillers, ...plan.crahs].map((d) => byId.get(d.id)!);
    if (units.length > MODBUS_UNITS)
      throw new Error(
        `center ${plan.center} has ${units.length} Modbus devices; at most ${MODBUS_UNITS} fit one server`,
      );
    if (modbusGroups[modbusGroups.length - 1]!.length + units.length > MODBUS_UNITS) modbusGroups.push([]);
    const g = modbusGroups.length - 1;
    modbusGroups[g]!.push(...units);
    for (const u of units) where.set(u.id, g);
  }

  // Faults active at the start are given to the servers up front; windows open and close on a timer.
  const initial = new Map<string, FaultSpec>();
  const activeAt = (ms: number) => {
    const m = new Map<string, FaultSpec>();
    for (const f of expanded.faults)
      if (f.fromMs <= ms && ms < f.untilMs) m.set(f.id, { ...(m.get(f.id) ?? {}), ...f.fault });
    return m;
  };
  for (const [id, spec] of activeAt(t)) initial.set(id, spec);
  const inGroup = (g: number) => Object.fromEntries([...initial].filter(([id]) => where.get(id) === g));

  const ports = options.ports ?? {};
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const redfish = await startRedfishSimulator({
      devices: redfishDevices,
      faults: new Map([...initial].filter(([id]) => where.get(id) === 'redfish')),
      host: '127.0.0.1',
      port: ports.redfish ?? 0,
      credentials,
      now,
    });
    started.push(redfish);
    const snmp = await startSnmpSimulator({
      devices: snmpDevices,
      faults: Object.fromEntries([...initial].filter(([id]) => where.get(id) === 'snmp')),
      host: '127.0.0.1',
      port: ports.snmp ?? 0,
      clock: now,
    });
    started.push(snmp);
    const prometheus = await startPrometheusSimulator({
      devices: exporterDevices,
      faults: new Map([...initial].filter(([id]) => where.get(id) === 'prometheus')),
      host: '127.0.0.1',
      port: ports.prometheus ?? 0,
      now,
    });
    started.push(prometheus);
    const modbus: ModbusSimulator[] = [];
    for (let g = 0; g < modbusGroups.length; g++) {
      const m = await startModbusSimulator({
        devices: modbusGroups[g]! as Parameters<typeof startModbusSimulator>[0]['devices'],
        faults: inGroup(g),
        host: '127.0.0.1',
        port: ports.modbus ? ports.modbus + g : 0,
        clock: now,
      });
      modbus.push(m);
      started.push(m);
    }

    const setFault = (id: string, spec: FaultSpec | null) => {
      const w = where.get(id);
      if (w === undefined) throw new Error(`no simulated device ${JSON.stringify(id)}`);
      if (w === 'redfish') redfish.setFault(id, spec);
      else if (w === 'snmp') snmp.setFault(id, spec);
      else if (w === 'prometheus') prometheus.setFault(id, spec);
      else modbus[w]!.setFault(id, spec);
    };

    // Scheduled fault windows and ground truth follow simulated time; poll often enough for fast clocks.
    let current = new Map(initial);
    const truth = options.groundTruth
      ? new GroundTruthWriter(
          options.groundTruth.file,
          [...centers.values()].map((c) => c.physics),
          options.groundTruth.intervalMs,
          t,
        )
      : undefined;
    const windowed = expanded.faults.some((f) => Number.isFinite(f.fromMs) || Number.isFinite(f.untilMs));
    const tick = () => {
      const ms = clock.now();
      if (windowed) {
        const next = activeAt(ms);
        for (const id of new Set([...current.keys(), ...next.keys()])) {
          const a = current.get(id);
          const b = next.get(id);
          if (JSON.stringify(a) !== JSON.stringify(b)) setFault(id, b ?? null);
        }
        current = next;
      }
      truth?.advance(ms);
    };
    const timer = windowed || truth ? setInterval(tick, 100) : undefined;
    timer?.unref();

    const endpoints: Endpoints = {
      redfishUrl: (id) => redfish.url(id),
      snmp: (id) => ({ host: '127.0.0.1', port: snmp.port, community: snmp.community(id) }),
      modbus: (id) => {
        const m = modbus[where.get(id) as number]!;
        return { host: '127.0.0.1', port: m.port, unitId: m.unitId(id) };
      },
      prometheusUrl: (id) => prometheus.url(id),
    };
    const cooling = new CoolingFailures(() => clock.now());
    return {
      fleet,
      clock,
      centers,
      redfish,
      snmp,
      prometheus,
      modbus,
      endpoints,
      credentials,
      agentConfig: (center, opts) => {
        const c = centers.get(center);
        if (!c) throw new Error(`no simulated center ${JSON.stringify(center)}`);
        return agentConfigFor(c.plan, endpoints, opts);
      },
      setFault,
      setCoolingFailure: (center, failed) => {
        const c = centers.get(center);
        if (!c) throw new Error(`no simulated center ${JSON.stringify(center)}`);
        cooling.set(c, failed);
      },
      close: async () => {
        if (timer) clearInterval(timer);
        if (truth) {
          truth.advance(clock.now());
          await truth.close();
        }
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
}
