/**
 * @module An SNMP agent on 127.0.0.1 that serves many simulated UPSs and PDUs over the real wire protocol.
 *
 * Design: ONE net-snmp agent on ONE UDP port for the whole fleet. A v2c request selects its device by
 * community (community = device id); a v3 request selects it by USM user (each user is bound to a device).
 * Why: hundreds of devices need no port allocation, and the collector's per-target session still sees
 * its own "device". Values are computed from `SimDevice.read(now)` on every request, so counters move.
 */
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { FaultSpec, PduState, RouterState, SimDevice, UpsState } from '../device-state.ts';
import { buildMib } from './build-mib.ts';
import type { MibView } from './mib-view.ts';
import { pduView } from './pdu-view.ts';
import { routerView } from './router-view.ts';
import { upsView } from './ups-view.ts';

/** The devices this simulator serves: UPSs, rack PDUs and border routers. */
export type SnmpSimDevice = SimDevice<UpsState> | SimDevice<PduState> | SimDevice<RouterState>;

/** A v3 (USM) user of the simulator, bound to one device. Keys are at least 8 characters (RFC 3414). */
export interface SnmpSimUser {
  name: string;
  /** Device id this user reads. */
  device: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: 'md5' | 'sha';
  authKey?: string;
  privProtocol?: 'des' | 'aes';
  privKey?: string;
}

/** Options of {@link startSnmpSimulator}. */
export interface SnmpSimulatorOptions {
  devices: Array<SnmpSimDevice>;
  /** Initial faults per device id. */
  faults?: Record<string, FaultSpec>;
  users?: SnmpSimUser[];
  /** Only loopback: the simulator never listens on a routable address. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Time source for `read(nowMs)`; defaults to Date.now. */
  clock?: () => number;
}

/** A running simulator. */
export interface SnmpSimulator {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The v2c community that reads device `id` (it is the id itself). */
  community(id: string): string;
  /** Sets (or with null clears) the fault injected for device `id`. */
  setFault(id: string, spec: FaultSpec | null): void;
  /** Number of requests the device has received (including dropped ones). */
  requests(id: string): number;
  close(): Promise<void>;
}

/** The net-snmp Agent internals we hook: documented `createAgent` object plus its request dispatchers. */
interface AgentInternals {
  setMib(mib: unknown): void;
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: object): void };
  close(cb?: () => void): void;
  listener: { sockets: Record<string, dgram.Socket> };
  [dispatcher: string]: unknown;
}

interface RequestMessage {
  version: number;
  community?: string;
  user?: { name: string };
}

const DISPATCHERS = ['getRequest', 'getNextRequest', 'getBulkRequest', 'setRequest'] as const;

/**
 * A dgram module whose sockets bind to an OS-chosen port. Why: net-snmp's listener turns port 0 into 161,
 * and tests must never race for a fixed port.
 */
function dgramOnFreePort(wanted: number): { createSocket: (type: dgram.SocketType) => dgram.Socket } {
  return {
    createSocket(type) {
      const socket = dgram.createSocket(type);
      const bind = socket.bind.bind(socket) as (port: number, address: string) => dgram.Socket;
      (socket as unknown as { bind: (port: number, address: string) => dgram.Socket }).bind = (_port, address) =>
        bind(wanted, address);
      return socket;
    },
  };
}

interface BulkMessage {
  pdu: { nonRepeaters: number; maxRepetitions: number; varbinds: unknown[] };
}

/**
 * net-snmp's agent caps a GETBULK answer at max-repetitions varbinds in total; RFC 3416 §4.2.3 allows
 * N + M × R. Scaling the cap makes the simulator answer like a conformant agent (e.g. net-snmp's snmpd).
 */
function conformBulk(message: BulkMessage): void {
  const pdu = message.pdu;
  const repeaters = Math.max(0, pdu.varbinds.length - pdu.nonRepeaters);
  pdu.maxRepetitions = pdu.nonRepeaters + pdu.maxRepetitions * Math.max(1, repeaters);
}

function viewFor(device: SnmpSimDevice, nowMs: number, startedMs: number): MibView {
  const state = device.read(nowMs);
  const uptime = Math.max(0, nowMs - startedMs);
  if (state.kind === 'ups') return upsView(device.id, state, uptime);
  if (state.kind === 'router') return routerView(device.id, state, uptime);
  return pduView(device.id, state, uptime);
}

/**
 * Starts the simulator and resolves once it listens.
 * @example
 * const sim = await startSnmpSimulator({ devices: [ups], host: '127.0.0.1', port: 0 });
 * // snmpget -v2c -c ${sim.community(ups.id)} 127.0.0.1:${sim.port} 1.3.6.1.2.1.33.1.4.4.1.4.1
 * await sim.close();
 */
export async function startSnmpSimulator(options: SnmpSimulatorOptions): Promise<SnmpSimulator> {
  const host = '127.0.0.1' as const;
  const clock = options.clock ?? Date.now;
  const startedMs = clock();
  const devices = new Map(options.devices.map((d) => [d.id, d]));
  const faults = new Map<string, FaultSpec>(Object.entries(options.faults ?? {}));
  const userDevice = new Map((options.users ?? []).map((u) => [u.name, u.device]));
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  const agent = snmp.createAgent(
    { address: host, port: options.port || 161, transport: 'udp4', dgramModule: dgramOnFreePort(options.port ?? 0) },
    // Unknown communities/users and malformed packets land here; a real device ignores them too.
    () => undefined,
  ) as AgentInternals;
  const authorizer = agent.getAuthorizer();
  for (const id of devices.keys()) authorizer.addCommunity(id);
  for (const u of options.users ?? []) {
    if (!devices.has(u.device)) throw new Error(`SNMP simulator user ${u.name}: unknown device ${u.device}`);
    authorizer.addUser({
      name: u.name,
      level: snmp.SecurityLevel[u.level],
      authProtocol: u.authProtocol ? snmp.AuthProtocols[u.authProtocol] : undefined,
      authKey: u.authKey,
      privProtocol: u.privProtocol ? snmp.PrivProtocols[u.privProtocol] : undefined,
      privKey: u.privKey,
    });
  }

  const emptyMib = buildMib({ scalars: [], tables: [] });
  for (const name of DISPATCHERS) {
    const original = (agent[name] as (...args: unknown[]) => void).bind(agent);
    agent[name] = (socket: unknown, message: RequestMessage, rinfo: unknown) => {
      const id = message.version === snmp.Version3 ? userDevice.get(message.user?.name ?? '') : message.community;
      const device = id === undefined ? undefined : devices.get(id);
      if (!device) return;
      counts.set(device.id, (counts.get(device.id) ?? 0) + 1);
      const fault = faults.get(device.id) ?? {};
      if (name === 'getBulkRequest') conformBulk(message as unknown as BulkMessage);
      if (fault.silent || fault.hang) return;
      // The Mib is swapped and the request served in the same tick: net-snmp answers GETs synchronously,
      // so no other device's request can observe this device's Mib.
      const serve = () => {
        agent.setMib(fault.noSuchObject ? emptyMib : buildMib(viewFor(device, clock(), startedMs)));
        original(socket, message, rinfo);
      };
      if (fault.delayMs && fault.delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          serve();
        }, fault.delayMs);
        timers.add(timer);
      } else {
        serve();
      }
    };
  }

  const sockets = Object.values(agent.listener.sockets);
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once('listening', () => resolve());
          s.once('error', reject);
        }),
    ),
  );
  const port = sockets[0]!.address().port;

  return {
    host,
    port,
    community: (id) => {
      if (!devices.has(id)) throw new Error(`SNMP simulator: unknown device ${id}`);
      return id;
    },
    setFault: (id, spec) => {
      if (!devices.has(id)) throw new Error(`SNMP simulator: unknown device ${id}`);
      if (spec) faults.set(id, spec);
      else faults.delete(id);
    },
    requests: (id) => counts.get(id) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        let open = sockets.length;
        agent.close(() => {
          open -= 1;
          if (open <= 0) resolve();
        });
      }),
  };
}
