/**
 * @module A Modbus TCP server on 127.0.0.1 serving many simulated meters, chillers and CRAHs.
 *
 * Design: ONE modbus-serial ServerTCP per simulator; the request's unit id selects the device, as behind
 * a Modbus TCP gateway (units 1–247 in device order, so up to 247 devices per simulator — start more
 * simulators for more). Register values are computed from `SimDevice.read(now)` on every request.
 * Unknown units answer exception 11 (gateway target failed to respond), reads outside a device's
 * implemented range exception 2 (illegal data address).
 */
import net from 'node:net';
import modbus from 'modbus-serial';
import type { ChillerState, CrahState, FaultSpec, MeterState, SimDevice } from '../device-state.ts';
import { chillerImage, crahImage, meterImage, type RegisterImage } from './register-map.ts';

type ModbusDevice = SimDevice<MeterState> | SimDevice<ChillerState> | SimDevice<CrahState>;

/** Options of {@link startModbusSimulator}. */
export interface ModbusSimulatorOptions {
  devices: ModbusDevice[];
  /** Initial faults per device id. */
  faults?: Record<string, FaultSpec>;
  /** Only loopback. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Time source for `read(nowMs)`; defaults to Date.now. */
  clock?: () => number;
}

/** A running simulator. */
export interface ModbusSimulator {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The unit id that addresses device `id`. */
  unitId(id: string): number;
  /** Sets (or with null clears) the fault for device `id`; with `forRequests` it clears itself after that many requests. */
  setFault(id: string, spec: FaultSpec | null, options?: { forRequests?: number }): void;
  /** Requests the device has received (including faulted ones). */
  requests(id: string): number;
  /** Closes every client socket, as a gateway that drops idle connections does. */
  dropConnections(): void;
  close(): Promise<void>;
}

type Callback = (err: { modbusErrorCode: number; msg: string } | null, values?: number[] | number) => void;

/** The server's internals we use: its listening socket and the set of client sockets. */
interface ServerInternals {
  _server: net.Server;
  socks: Map<net.Socket, 0>;
  close(cb: () => void): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

function imageOf(device: ModbusDevice, nowMs: number): RegisterImage {
  const s = device.read(nowMs);
  switch (s.kind) {
    case 'meter':
      return meterImage(s);
    case 'chiller':
      return chillerImage(s);
    case 'crah':
      return crahImage(s);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a ServerTCP on `port` and resolves when it listens (rejects on a bind error). */
function listen(vector: object, port: number): Promise<ServerInternals> {
  return new Promise((resolve, reject) => {
    const server = new modbus.ServerTCP(vector, { host: '127.0.0.1', port, unitID: 255 }) as unknown as ServerInternals;
    server.on('initialized', () => resolve(server));
    server.on('serverError', (e) => reject(e as Error));
    // Client resets are normal in fault tests; without listeners they would crash the process.
    server.on('socketError', () => undefined);
    server.on('error', () => undefined);
  });
}

/**
 * Starts the simulator.
 * @example
 * const sim = await startModbusSimulator({ devices: [meter], host: '127.0.0.1', port: 0 });
 * // mbpoll -m tcp -p ${sim.port} -a ${sim.unitId(meter.id)} -t 3:float -r 53 -c 1 -1 127.0.0.1
 * await sim.close();
 */
export async function startModbusSimulator(options: ModbusSimulatorOptions): Promise<ModbusSimulator> {
  if (options.devices.length > 247)
    throw new Error('Modbus simulator: at most 247 devices per simulator (unit ids 1–247)');
  const clock = options.clock ?? Date.now;
  const byUnit = new Map(options.devices.map((d, i) => [i + 1, d]));
  const unitOf = new Map(options.devices.map((d, i) => [d.id, i + 1]));
  const faults = new Map<string, { spec: FaultSpec; remaining: number }>(
    Object.entries(options.faults ?? {}).map(([id, spec]) => [id, { spec, remaining: Infinity }]),
  );
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  function serve(
    kind: 'input' | 'holding',
    address: number,
    length: number,
    unit: number,
    reply: Callback,
    single: boolean,
  ): void {
    // modbus-serial's multi-register input path reads `values[i]` even on error; an empty array keeps the
    // exception code intact (otherwise the TypeError turns every exception into code 4).
    const cb: Callback = (err, values) => (err ? reply(err, single ? 0 : []) : reply(null, values));
    const device = byUnit.get(unit);
    if (!device) return cb({ modbusErrorCode: 0x0b, msg: `no device at unit ${unit}` });
    counts.set(device.id, (counts.get(device.id) ?? 0) + 1);
    const fault = faults.get(device.id);
    const spec = fault?.spec ?? {};
    if (fault && --fault.remaining <= 0) faults.delete(device.id);
    if (spec.silent || spec.hang) return;
    const answer = () => {
      if (spec.modbusException) return cb({ modbusErrorCode: spec.modbusException, msg: 'injected' });
      const image = imageOf(device, clock());
      const size = kind === 'input' ? image.inputSize : image.holdingSize;
      if (address + length > size) return cb({ modbusErrorCode: 0x02, msg: 'illegal data address' });
      const map = kind === 'input' ? image.input : image.holding;
      const values = Array.from({ length }, (_, i) => map.get(address + i) ?? 0);
      cb(null, single ? values[0] : values);
    };
    if (spec.delayMs && spec.delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, spec.delayMs);
      timers.add(t);
    } else answer();
  }

  // Callback-style vector functions (4 and 3 parameters): modbus-serial picks the style by arity,
  // and only the callback style can stay silent or answer late.
  const vector = {
    getMultipleInputRegisters: (addr: number, length: number, unit: number, cb: Callback) =>
      serve('input', addr, length, unit, cb, false),
    getMultipleHoldingRegisters: (addr: number, length: number, unit: number, cb: Callback) =>
      serve('holding', addr, length, unit, cb, false),
    getInputRegister: (addr: number, unit: number, cb: Callback) => serve('input', addr, 1, unit, cb, true),
    getHoldingRegister: (addr: number, unit: number, cb: Callback) => serve('holding', addr, 1, unit, cb, true),
  };

  // ServerTCP treats port 0 as 502, so find a free port first and retry if another process takes it.
  let server: ServerInternals | undefined;
  let port = options.port ?? 0;
  for (let attempt = 0; !server; attempt++) {
    const candidate = port || (await freePort());
    try {
      server = await listen(vector, candidate);
      port = candidate;
    } catch (error) {
      if (options.port || attempt >= 4) throw error;
    }
  }
  const live = server;

  const known = (id: string) => {
    if (!unitOf.has(id)) throw new Error(`Modbus simulator: unknown device ${id}`);
    return unitOf.get(id)!;
  };
  return {
    host: '127.0.0.1',
    port,
    unitId: known,
    setFault(id, spec, opts) {
      known(id);
      if (spec) faults.set(id, { spec, remaining: opts?.forRequests ?? Infinity });
      else faults.delete(id);
    },
    requests: (id) => counts.get(id) ?? 0,
    dropConnections() {
      for (const sock of live.socks.keys()) sock.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        live.close(() => resolve());
      }),
  };
}
