/**
 * @module Serves a whole fleet on 127.0.0.1 over the real protocols, on few ports: one Redfish server (BMCs
 * and Redfish PDUs), one SNMP agent (UPSs, SNMP PDUs), one Prometheus exporter server (node, DCGM, npu, and
 * every server's BMC once more as an ipmi_exporter), Modbus TCP servers holding up to 247 units each (whole
 * centers per server), and, when asked, each chiller and CRAH once more as a BACnet/IP device on a UDP port of
 * its own (as behind a building-management system). All read one shared SimClock.
 *
 * Also applies the fault config (protocol faults, scheduled over simulated time, and counter events),
 * writes ground truth as simulated intervals elapse, and generates each center's agent config.
 */
import { startModbusSimulator, type ModbusSimulator } from './modbus/simulator.ts';
import { startPrometheusSimulator, type ExporterDevice, type PrometheusSimulator } from './prometheus/simulator.ts';
import { startRedfishSimulator, type RedfishDevice, type RedfishSimulator } from './redfish/simulator.ts';
import { startSnmpSimulator, type SnmpSimDevice, type SnmpSimulator } from './snmp/simulator.ts';
import { chillerObjects, crahObjects, startBacnetDevice } from './bacnet/simulator.ts';
import { freeUdpPort } from '../shared/udp-port.ts';
import { agentConfigFor, type AgentConfigOptions, type Endpoints } from './agent-config.ts';
import { SimClock } from './clock.ts';
import type {
  ChillerState,
  CrahState,
  FaultSpec,
  PduState,
  RouterState,
  ServerState,
  SimDevice,
  UpsState,
} from './device-state.ts';
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
  /** Also serve every chiller and CRAH over BACnet/IP (one UDP port each; default false). */
  bacnet?: boolean;
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
  /** Chillers and CRAHs over BACnet/IP: one UDP port and device instance each. */
  readonly bacnet: Map<string, BacnetEndpoint>;
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

/** Where one BACnet/IP device answers. */
export interface BacnetEndpoint {
  host: string;
  port: number;
  deviceInstance: number;
}

/** The id under which a server's BMC is also served as an ipmi_exporter. */
export const ipmiExporterId = (serverId: string): string => `${serverId}-ipmi`;

/** Modbus unit ids are 1..247 per server. */
const MODBUS_UNITS = 247;

/** Redfish dialect of a server's BMC: Huawei for Kunpeng boxes, otherwise a fixed per-device pick. */
function bmcVendor(id: string, cpuModel: string): 'generic' | 'dell' | 'hpe' | 'huawei' {
  if (cpuModel === 'kunpeng920') return 'huawei';
  return (['generic', 'dell', 'hpe', 'generic'] as const)[hash32(`vendor|${id}`) % 4]!;
}

/** Where each device answers: its protocol server (a Modbus server by index). */
type Where = Map<string, 'redfish' | 'snmp' | 'prometheus' | number>;

/** The devices each protocol server serves, and where each device went. */
interface Routing {
  redfish: RedfishDevice[];
  /** Chillers and CRAHs, each also a BACnet/IP device. */
  bacnet: Array<SimDevice<ChillerState> | SimDevice<CrahState>>;
  snmp: SnmpSimDevice[];
  exporters: ExporterDevice[];
  modbusGroups: SimDevice[][];
  where: Where;
}

/** The running protocol servers. */
interface Servers {
  redfish: RedfishSimulator;
  bacnet: Map<string, BacnetEndpoint>;
  snmp: SnmpSimulator;
  prometheus: PrometheusSimulator;
  modbus: ModbusSimulator[];
}

/**
 * Starts every protocol server for the fleet and resolves once all listen. Stages: build each center's devices
 * and faults, route each device to its protocol server, start the servers, then follow simulated time (fault
 * windows, ground truth).
 */
export async function serveFleet(options: ServeOptions): Promise<Simulation> {
  const { fleet } = options;
  const clock = options.clock ?? new SimClock();
  const credentials = options.credentials ?? { username: 'admin', password: 'dims-sim' };
  const { centers, expanded } = buildCenters(fleet, clock, options.faults);
  const t = clock.now();
  const routing = routeDevices(centers, options.bacnet === true);
  const activeAt = (ms: number) => activeFaults(expanded.faults, ms);
  const initial = activeAt(t);
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const servers = await startServers(routing, initial, options.ports ?? {}, credentials, clock.fn, started);
    const setFault = faultSetter(servers, routing.where);
    const truth = options.groundTruth
      ? new GroundTruthWriter(
          options.groundTruth.file,
          [...centers.values()].map((c) => c.physics),
          options.groundTruth.intervalMs,
          t,
        )
      : undefined;
    const windowed = expanded.faults.some((f) => Number.isFinite(f.fromMs) || Number.isFinite(f.untilMs));
    const timer = followTime(clock, windowed ? { initial, activeAt, setFault } : undefined, truth);
    const endpoints = endpointsOf(servers, routing.where);
    const cooling = new CoolingFailures(() => clock.now());
    const center = (id: string) => {
      const c = centers.get(id);
      if (!c) throw new Error(`no simulated center ${JSON.stringify(id)}`);
      return c;
    };
    return {
      fleet,
      clock,
      centers,
      ...servers,
      endpoints,
      credentials,
      agentConfig: (id, opts) => agentConfigFor(center(id).plan, endpoints, opts),
      setFault,
      setCoolingFailure: (id, failed) => cooling.set(center(id), failed),
      close: async () => {
        if (timer) clearInterval(timer);
        if (truth) {
          truth.advance(clock.now());
          await truth.close();
        }
        await Promise.all(started.map((x) => x.close()));
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((x) => x.close()));
    throw err;
  }
}

/** Each center's devices, with the fault config expanded over every device id (counter events included). */
function buildCenters(
  fleet: Fleet,
  clock: SimClock,
  faults: FaultConfig | undefined,
): { centers: Map<string, CenterDevices>; expanded: { faults: ScheduledFault[] } } {
  const allIds = fleet.plans.flatMap((p) =>
    [...p.servers, ...p.pdus, ...p.ups, ...p.meters, ...p.chillers, ...p.crahs, ...p.exporters, p.router, p.prober].map(
      (d) => d.id,
    ),
  );
  const expanded = faults
    ? expandFaults(faults, allIds, clock.startMs)
    : { faults: [] as ScheduledFault[], counters: new Map() };
  const centers = new Map<string, CenterDevices>();
  for (const plan of fleet.plans)
    centers.set(plan.center, buildCenterDevices(plan, { counterEvents: expanded.counters }));
  // Integrate up to now once, so the first scrapes do not pay for the history since each center's origin.
  const t = clock.now();
  for (const c of centers.values()) c.physics.cumulative('fac', t);
  return { centers, expanded };
}

/** Sends each device to its protocol server; whole centers share a Modbus server while its 247 units last. */
function routeDevices(centers: Map<string, CenterDevices>, bacnet: boolean): Routing {
  const r: Routing = { redfish: [], bacnet: [], snmp: [], exporters: [], modbusGroups: [[]], where: new Map() };
  for (const { plan, byId } of centers.values()) {
    for (const s of plan.servers) {
      const dev = byId.get(s.id) as RedfishDevice;
      // Delegate rather than copy `read`, so a later change to the device (a cooling failure) shows over Redfish too.
      r.redfish.push({
        id: dev.id,
        kind: dev.kind,
        read: (ms: number) => dev.read(ms),
        style: { schema: s.schema, vendor: bmcVendor(s.id, s.cpuModel) },
      } as RedfishDevice);
      r.where.set(s.id, 'redfish');
      // The same BMC read through an ipmi_exporter (servers without Redfish are read this way).
      r.exporters.push({
        id: ipmiExporterId(s.id),
        kind: dev.kind,
        read: (ms: number) => dev.read(ms),
      } as SimDevice<ServerState>);
    }
    for (const p of plan.pdus) {
      const d = byId.get(p.id) as SimDevice<PduState>;
      if (p.protocol === 'redfish') r.redfish.push(d);
      else r.snmp.push(d);
      r.where.set(p.id, p.protocol);
    }
    for (const u of plan.ups) {
      r.snmp.push(byId.get(u.id) as SimDevice<UpsState>);
      r.where.set(u.id, 'snmp');
    }
    for (const e of plan.exporters) {
      r.exporters.push(byId.get(e.id) as ExporterDevice);
      r.where.set(e.id, 'prometheus');
    }
    r.snmp.push(byId.get(plan.router.id) as SimDevice<RouterState>);
    r.where.set(plan.router.id, 'snmp');
    r.exporters.push(byId.get(plan.prober.id) as ExporterDevice);
    r.where.set(plan.prober.id, 'prometheus');
    if (bacnet)
      for (const d of [...plan.chillers, ...plan.crahs])
        r.bacnet.push(byId.get(d.id) as SimDevice<ChillerState> | SimDevice<CrahState>);
    routeModbus(
      r,
      plan.center,
      [...plan.meters, ...plan.chillers, ...plan.crahs].map((d) => byId.get(d.id)!),
    );
  }
  return r;
}

/** A center's Modbus devices go to the last Modbus server, or a new one when they would not fit. */
function routeModbus(r: Routing, center: string, units: SimDevice[]): void {
  if (units.length > MODBUS_UNITS)
    throw new Error(`center ${center} has ${units.length} Modbus devices; at most ${MODBUS_UNITS} fit one server`);
  if (r.modbusGroups[r.modbusGroups.length - 1]!.length + units.length > MODBUS_UNITS) r.modbusGroups.push([]);
  const g = r.modbusGroups.length - 1;
  r.modbusGroups[g]!.push(...units);
  for (const u of units) r.where.set(u.id, g);
}

/** The faults active at `ms`, merged per device. */
function activeFaults(faults: readonly ScheduledFault[], ms: number): Map<string, FaultSpec> {
  const m = new Map<string, FaultSpec>();
  for (const f of faults) if (f.fromMs <= ms && ms < f.untilMs) m.set(f.id, { ...(m.get(f.id) ?? {}), ...f.fault });
  return m;
}

/** Starts the Redfish, SNMP, exporter and Modbus servers with the faults active at the start; `started` collects them. */
async function startServers(
  r: Routing,
  initial: Map<string, FaultSpec>,
  ports: NonNullable<ServeOptions['ports']>,
  credentials: { username: string; password: string },
  now: () => number,
  started: Array<{ close(): Promise<void> }>,
): Promise<Servers> {
  const on = (w: string | number) => [...initial].filter(([id]) => r.where.get(id) === w);
  const host = '127.0.0.1';
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    started.push(x);
    return x;
  };
  const redfish = track(
    await startRedfishSimulator({
      devices: r.redfish,
      faults: new Map(on('redfish')),
      host,
      port: ports.redfish ?? 0,
      credentials,
      now,
    }),
  );
  const snmp = track(
    await startSnmpSimulator({
      devices: r.snmp,
      faults: Object.fromEntries(on('snmp')),
      host,
      port: ports.snmp ?? 0,
      clock: now,
    }),
  );
  const prometheus = track(
    await startPrometheusSimulator({
      devices: r.exporters,
      faults: new Map(on('prometheus')),
      host,
      port: ports.prometheus ?? 0,
      now,
    }),
  );
  const modbus: ModbusSimulator[] = [];
  for (let g = 0; g < r.modbusGroups.length; g++) {
    const m = await startModbusSimulator({
      devices: r.modbusGroups[g]! as Parameters<typeof startModbusSimulator>[0]['devices'],
      faults: Object.fromEntries(on(g)),
      host,
      port: ports.modbus ? ports.modbus + g : 0,
      clock: now,
    });
    modbus.push(track(m));
  }
  const bacnet = new Map<string, BacnetEndpoint>();
  for (const d of r.bacnet) {
    const port = await freeUdpPort();
    // Device instances are 22-bit; a stable one per device id.
    const deviceInstance = 1 + (hash32(`bacnet|${d.id}`) % 4_194_302);
    const read = () => d.read(now());
    const objects =
      d.kind === 'chiller' ? chillerObjects(read as () => ChillerState) : crahObjects(read as () => CrahState);
    const dev = startBacnetDevice({ port, host, deviceInstance, objects });
    track({ close: async () => dev.close() });
    bacnet.set(d.id, { host, port, deviceInstance });
  }
  return { redfish, snmp, prometheus, modbus, bacnet };
}

/** Sets or clears a fault on whichever server serves the device. */
function faultSetter(servers: Servers, where: Where): (id: string, spec: FaultSpec | null) => void {
  return (id, spec) => {
    const w = where.get(id);
    if (w === undefined) throw new Error(`no simulated device ${JSON.stringify(id)}`);
    if (w === 'redfish') servers.redfish.setFault(id, spec);
    else if (w === 'snmp') servers.snmp.setFault(id, spec);
    else if (w === 'prometheus') servers.prometheus.setFault(id, spec);
    else servers.modbus[w]!.setFault(id, spec);
  };
}

/**
 * Scheduled fault windows and ground truth follow simulated time: polled every 100 ms, often enough for fast
 * clocks. No timer when there is neither.
 */
function followTime(
  clock: SimClock,
  windows:
    | {
        initial: Map<string, FaultSpec>;
        activeAt(ms: number): Map<string, FaultSpec>;
        setFault(id: string, spec: FaultSpec | null): void;
      }
    | undefined,
  truth: GroundTruthWriter | undefined,
): ReturnType<typeof setInterval> | undefined {
  if (!windows && !truth) return undefined;
  let current = new Map(windows?.initial);
  const tick = () => {
    const ms = clock.now();
    if (windows) {
      const next = windows.activeAt(ms);
      for (const id of new Set([...current.keys(), ...next.keys()])) {
        const a = current.get(id);
        const b = next.get(id);
        if (JSON.stringify(a) !== JSON.stringify(b)) windows.setFault(id, b ?? null);
      }
      current = next;
    }
    truth?.advance(ms);
  };
  const timer = setInterval(tick, 100);
  timer.unref();
  return timer;
}

/** Where each device answers, as the agent config needs it. */
function endpointsOf(servers: Servers, where: Where): Endpoints {
  return {
    redfishUrl: (id) => servers.redfish.url(id),
    snmp: (id) => ({ host: '127.0.0.1', port: servers.snmp.port, community: servers.snmp.community(id) }),
    modbus: (id) => {
      const m = servers.modbus[where.get(id) as number]!;
      return { host: '127.0.0.1', port: m.port, unitId: m.unitId(id) };
    },
    prometheusUrl: (id) => servers.prometheus.url(id),
    ipmiExporterUrl: (id) => servers.prometheus.url(ipmiExporterId(id)),
    bacnet: (id) => {
      const b = servers.bacnet.get(id);
      if (!b) throw new Error(`no BACnet device ${JSON.stringify(id)} (serve the fleet with bacnet: true)`);
      return b;
    },
  };
}
