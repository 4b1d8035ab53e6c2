/**
 * @module The benchmark's simulated center: N Redfish BMCs, SNMP PDUs/UPSs, Modbus devices and exporters,
 * served over the real protocols on loopback, with the agent targets that read them.
 *
 * Why clones: the fleet generator sizes centers for a national fleet (tens of devices each); the benchmark
 * needs exact counts in the thousands. Each benchmark device reads its state from a template device of one
 * generated center (with its physics), under its own id, so every target is a distinct endpoint to the
 * agent (own URL path, community or unit id) while the simulator stays cheap to build.
 */
import { chillerObjects, startBacnetDevice } from '../../simulate/bacnet/simulator.ts';
import { startModbusSimulator, type ModbusSimulator } from '../../simulate/modbus/simulator.ts';
import { startPrometheusSimulator, type ExporterDevice } from '../../simulate/prometheus/simulator.ts';
import { startRedfishSimulator, type RedfishDevice } from '../../simulate/redfish/simulator.ts';
import { startSnmpSimulator } from '../../simulate/snmp/simulator.ts';
import type { ChillerState, PduState, ServerState, SimDevice, UpsState } from '../../simulate/device-state.ts';
import { buildCenterDevices } from '../../simulate/devices.ts';
import { generateFleet } from '../../simulate/fleet.ts';
import { freeUdpPort } from '../../shared/udp-port.ts';

/** How many targets of each protocol the simulated center has. */
export interface CenterSize {
  redfish: number;
  snmp: number;
  modbus: number;
  prometheus: number;
  /** BACnet/IP chillers (one simulated device per UDP port). */
  bacnet?: number;
  /** Servers read over IPMI through an ipmi_exporter each (agent protocol prometheus, profile ipmi_exporter). */
  ipmi?: number;
}

/** The center named in the benchmark's goal. */
export const NAMED_CENTER: CenterSize = { redfish: 2000, snmp: 500, modbus: 200, prometheus: 500 };

/** Multiplies every count (rounded), e.g. ×1.5625 turns the named center into 5,000 targets. */
export function scaleCenter(size: CenterSize, factor: number): CenterSize {
  return {
    redfish: Math.round(size.redfish * factor),
    snmp: Math.round(size.snmp * factor),
    modbus: Math.round(size.modbus * factor),
    prometheus: Math.round(size.prometheus * factor),
    bacnet: Math.round((size.bacnet ?? 0) * factor),
    ipmi: Math.round((size.ipmi ?? 0) * factor),
  };
}

/**
 * The 5,000-target configuration: the named center ×1.5625, with 100 of its Modbus chillers/CRAHs/meters
 * read over BACnet/IP instead and 100 of its exporters being ipmi_exporters (servers without Redfish).
 */
export function goalCenter(): CenterSize {
  const s = scaleCenter(NAMED_CENTER, 5000 / 3200);
  return { ...s, modbus: s.modbus - 100, bacnet: 100, prometheus: s.prometheus - 100, ipmi: 100 };
}

export function totalTargets(size: CenterSize): number {
  return size.redfish + size.snmp + size.modbus + size.prometheus + (size.bacnet ?? 0) + (size.ipmi ?? 0);
}

/** The size key a target counts under: its protocol, or `ipmi` for ipmi_exporter targets (ids `ipmi-…`). */
export function sizeKey(target: Record<string, unknown>): keyof CenterSize {
  return String(target.id).startsWith('ipmi-') ? 'ipmi' : (target.protocol as keyof CenterSize);
}

/** An SNMP device as the baselines need it: where it answers and which profile the agent reads. */
export interface SnmpEndpoint {
  id: string;
  port: number;
  community: string;
  profile: 'ups-mib' | 'apc-rpdu2';
}

/** An exporter as Prometheus needs it: address and path. */
export interface ExporterEndpoint {
  id: string;
  port: number;
  path: string;
}

/** Everything the benchmark needs about a running simulated center. */
export interface CenterEndpoints {
  size: CenterSize;
  /** Agent config targets (the `targets` of src/agent/config/config.schema.json). */
  targets: Array<Record<string, unknown>>;
  snmp: SnmpEndpoint[];
  exporters: ExporterEndpoint[];
  /** BMC password the targets reference through this environment variable. */
  bmcPasswordEnv: string;
  bmcPassword: string;
}

export interface RunningCenter extends CenterEndpoints {
  close(): Promise<void>;
}

export const BMC_PASSWORD_ENV = 'DIMS_BENCH_BMC_PASSWORD';
/** Modbus unit ids run 1..247 per TCP server. */
const MODBUS_UNITS = 247;

type Template<S extends SimDevice> = S[];

/** Templates of every kind, from one generated center large enough to have each kind several times. */
function templates() {
  const fleet = generateFleet({ centers: 2, seed: 7, scale: 4 });
  // The second center is an intelligent-computing one: servers with GPUs/NPUs and all three exporter kinds.
  const plan = fleet.plans.find((p) => p.type === 'intelligent') ?? fleet.plans[0]!;
  const c = buildCenterDevices(plan);
  c.physics.cumulative('fac', Date.now());
  const byId = c.byId;
  const servers: Template<RedfishDevice> = plan.servers.map((s, i) => ({
    ...(byId.get(s.id) as RedfishDevice),
    // The four BMC dialects the collector handles, modern and legacy schemas as the plan has them.
    style: { schema: s.schema, vendor: (['generic', 'dell', 'hpe', 'huawei'] as const)[i % 4]! },
  }));
  const snmp: Template<SimDevice<UpsState> | SimDevice<PduState>> = [
    ...plan.pdus.filter((p) => p.protocol === 'snmp').map((p) => byId.get(p.id) as SimDevice<PduState>),
    ...plan.ups.map((u) => byId.get(u.id) as SimDevice<UpsState>),
  ];
  const modbus = [...plan.meters, ...plan.chillers, ...plan.crahs].map((d) => ({
    device: byId.get(d.id)!,
    profile: d.kind === 'meter' ? 'sdm630' : d.kind,
  }));
  const exporters = plan.exporters.map((e) => ({
    device: byId.get(e.id) as ExporterDevice,
    profile: e.kind === 'node' ? 'node_exporter' : e.kind === 'dcgm' ? 'dcgm_exporter' : 'npu_exporter',
  }));
  const chillers = plan.chillers.map((d) => byId.get(d.id) as SimDevice<ChillerState>);
  return { servers, snmp, modbus, exporters, chillers };
}

/** A device under a new id that reports its template's state. */
function clone<D extends SimDevice>(t: D, id: string): D {
  return { ...t, id, read: (ms: number) => t.read(ms) };
}

const pad = (i: number) => String(i).padStart(5, '0');

/**
 * Starts the simulators for a center of `size` on 127.0.0.1 and returns its targets.
 * SNMP PDUs and UPSs alternate 9:1 as in a row of racks; Modbus devices follow the template mix.
 */
export async function startCenter(size: CenterSize): Promise<RunningCenter> {
  const t = templates();
  const bmcPassword = 'bench-secret';
  const redfishDevices = Array.from({ length: size.redfish }, (_, i) =>
    clone(t.servers[i % t.servers.length]!, `bmc-${pad(i)}`),
  );
  const pdus = t.snmp.filter((d) => d.kind === 'pdu');
  const upss = t.snmp.filter((d) => d.kind === 'ups');
  const snmpDevices = Array.from({ length: size.snmp }, (_, i) =>
    i % 10 === 9 && upss.length > 0
      ? clone(upss[i % upss.length]!, `ups-${pad(i)}`)
      : clone(pdus[i % pdus.length]!, `pdu-${pad(i)}`),
  );
  const modbusDevices = Array.from({ length: size.modbus }, (_, i) => {
    const m = t.modbus[i % t.modbus.length]!;
    return { device: clone(m.device, `${m.device.kind}-${pad(i)}`), profile: m.profile };
  });
  const exporterDevices = Array.from({ length: size.prometheus }, (_, i) => {
    const e = t.exporters[i % t.exporters.length]!;
    return { device: clone(e.device, `${e.device.kind}-exp-${pad(i)}`), profile: e.profile };
  });
  // ipmi_exporters report a server template's state (the simulator renders ServerState as ipmi_exporter).
  const ipmiDevices = Array.from({ length: size.ipmi ?? 0 }, (_, i) => ({
    device: clone(t.servers[i % t.servers.length]! as SimDevice<ServerState>, `ipmi-${pad(i)}`),
    profile: 'ipmi_exporter',
  }));

  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const redfish = await startRedfishSimulator({
      devices: redfishDevices,
      host: '127.0.0.1',
      port: 0,
      credentials: { username: 'admin', password: bmcPassword },
    });
    started.push(redfish);
    const snmp = await startSnmpSimulator({ devices: snmpDevices, host: '127.0.0.1', port: 0 });
    started.push(snmp);
    const prom = await startPrometheusSimulator({
      devices: [...exporterDevices, ...ipmiDevices].map((e) => e.device),
      host: '127.0.0.1',
      port: 0,
    });
    started.push(prom);
    const modbus: Array<{ sim: ModbusSimulator; devices: typeof modbusDevices }> = [];
    for (let i = 0; i < modbusDevices.length; i += MODBUS_UNITS) {
      const group = modbusDevices.slice(i, i + MODBUS_UNITS);
      const sim = await startModbusSimulator({
        devices: group.map((g) => g.device) as Parameters<typeof startModbusSimulator>[0]['devices'],
        host: '127.0.0.1',
        port: 0,
      });
      started.push(sim);
      modbus.push({ sim, devices: group });
    }

    const bacnet: Array<{ id: string; port: number }> = [];
    for (let i = 0; i < (size.bacnet ?? 0); i++) {
      const template = t.chillers[i % t.chillers.length]!;
      const port = await freeUdpPort();
      const sim = startBacnetDevice({
        port,
        deviceInstance: 260000 + i,
        objects: chillerObjects(() => template.read(Date.now()) as ChillerState),
      });
      started.push({ close: async () => sim.close() });
      bacnet.push({ id: `bacnet-chiller-${pad(i)}`, port });
    }

    const targets: Array<Record<string, unknown>> = [];
    const snmpEndpoints: SnmpEndpoint[] = [];
    const exporters: ExporterEndpoint[] = [];
    // Roles as a real center's config gives them, so record building does its real work.
    const meterRoles = ['facility', 'it', 'cooling'];
    let meters = 0;
    for (const { sim, devices } of modbus) {
      for (const { device, profile } of devices) {
        const roles =
          profile === 'sdm630'
            ? meters < meterRoles.length
              ? [meterRoles[meters++]]
              : []
            : profile === 'chiller'
              ? ['water']
              : [];
        targets.push({
          id: device.id,
          protocol: 'modbus',
          roles,
          ...(profile === 'sdm630' ? { max_power_kw: 100_000 } : {}),
          config: { host: '127.0.0.1', port: sim.port, unit_id: sim.unitId(device.id), profile },
        });
      }
    }
    for (const d of snmpDevices) {
      const profile = d.kind === 'ups' ? 'ups-mib' : 'apc-rpdu2';
      snmpEndpoints.push({ id: d.id, port: snmp.port, community: snmp.community(d.id), profile });
      targets.push({
        id: d.id,
        protocol: 'snmp',
        roles: profile === 'apc-rpdu2' ? ['rack'] : [],
        ...(profile === 'apc-rpdu2' ? { rack: d.id } : {}),
        config: {
          host: '127.0.0.1',
          port: snmp.port,
          version: '2c',
          community: snmp.community(d.id),
          profiles: [profile],
        },
      });
    }
    for (const d of redfishDevices) {
      targets.push({
        id: d.id,
        protocol: 'redfish',
        roles: ['inventory', 'inlet'],
        config: {
          url: redfish.url(d.id),
          auth: 'basic',
          username: 'admin',
          password: `env:${BMC_PASSWORD_ENV}`,
          profile: 'auto',
        },
      });
    }
    for (const [i, b] of bacnet.entries()) {
      targets.push({
        id: b.id,
        protocol: 'bacnet',
        roles: [],
        config: { host: '127.0.0.1', port: b.port, profile: 'chiller', device_instance: 260000 + i, local_port: 47808 },
      });
    }
    for (const { device, profile } of ipmiDevices) {
      targets.push({
        id: device.id,
        protocol: 'prometheus',
        roles: [],
        config: { url: prom.url(device.id), profiles: [profile] },
      });
    }
    for (const { device, profile } of exporterDevices) {
      const url = new URL(prom.url(device.id));
      exporters.push({ id: device.id, port: Number(url.port), path: url.pathname });
      targets.push({
        id: device.id,
        protocol: 'prometheus',
        roles: ['compute'],
        config: { url: url.href, profiles: [profile] },
      });
    }
    return {
      size,
      targets,
      snmp: snmpEndpoints,
      exporters,
      bmcPasswordEnv: BMC_PASSWORD_ENV,
      bmcPassword,
      close: async () => {
        await Promise.allSettled(started.map((s) => s.close()));
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
}
