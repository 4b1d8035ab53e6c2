/**
 * @module Simulated exporters on one loopback port: node_exporter, DCGM, npu-exporter, smokeping_prober and ipmi_exporter text for many devices,
 * 0.0.4 or OpenMetrics by Accept header, gzip, auth and injected faults.
 *
 * URL shape: `http(s)://127.0.0.1:<port>/exporter/<device id>/metrics` (one port, many exporters).
 */
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { startSimServer } from '../http-server.ts';
import type {
  DcgmState,
  FaultSpec,
  NodeState,
  NpuState,
  SimDevice,
  ServerState,
  SmokepingState,
} from '../device-state.ts';
import { dcgmFamilies, ipmiFamilies, nodeExporterFamilies, npuFamilies, smokepingFamilies } from './exporters.ts';
import { CONTENT_TYPES, writeExposition } from '../../../collectors/prometheus/write.ts';
import type { WriteFamily } from '../../../collectors/prometheus/write.ts';

/** A device an exporter can be simulated for. */
export type ExporterDevice = SimDevice<NodeState | DcgmState | NpuState | SmokepingState | ServerState>;

/** Options of {@link startPrometheusSimulator}. */
export interface PrometheusSimulatorOptions {
  devices: readonly ExporterDevice[];
  /** Initial faults by device id (copied; change later with `setFault`). */
  faults?: ReadonlyMap<string, FaultSpec>;
  /** Loopback only. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Require credentials on every request (one for all devices). */
  auth?: { bearerToken?: string; basic?: { username: string; password: string } };
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Clock handed to `device.read` (default Date.now). */
  now?: () => number;
}

/** A running simulator. */
export interface PrometheusSimulator {
  /** The scrape URL of one device's exporter. */
  url(id: string): string;
  readonly port: number;
  /** Sets or clears (null) the fault of one device. */
  setFault(id: string, spec: FaultSpec | null): void;
  /** Requests served per device id (for tests that count scrapes). */
  requests(id: string): number;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

/**
 * Starts the simulator.
 * @example
 * const sim = await startPrometheusSimulator({ devices: [node], port: 0 });
 * const text = await (await fetch(sim.url(node.id))).text();
 * await sim.close();
 */
export async function startPrometheusSimulator(opts: PrometheusSimulatorOptions): Promise<PrometheusSimulator> {
  const devices = new Map(opts.devices.map((d) => [d.id, d]));
  const faults = new Map(opts.faults ?? []);
  const counts = new Map<string, number>();
  const hung = new Set<http.ServerResponse>();
  const now = opts.now ?? Date.now;
  const scheme = opts.tls === undefined ? 'http' : 'https';

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const m = /^\/exporter\/([^/]+)\/metrics(?:\?.*)?$/.exec(req.url ?? '');
    const id = m === null ? undefined : decodeURIComponent(m[1]!);
    const device = id === undefined ? undefined : devices.get(id);
    if (id === undefined || device === undefined) return void send(res, 404, 'text/plain', 'not found\n');
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (!authorized(req, opts.auth)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="exporter"');
      return void send(res, 401, 'text/plain', 'Unauthorized\n');
    }
    const fault = faults.get(id);
    if (fault?.hang === true) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const answer = (): void => {
      if (fault?.httpStatus !== undefined)
        return void send(res, fault.httpStatus, 'text/plain', `error ${fault.httpStatus}\n`);
      if (fault?.htmlErrorPage === true) {
        return void send(
          res,
          200,
          'text/html; charset=utf-8',
          '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Service unavailable</h1></body></html>\n',
        );
      }
      const format = /application\/openmetrics-text/i.test(req.headers.accept ?? '') ? 'openmetrics' : 'prometheus';
      let text = writeExposition(familiesOf(device.read(now())), format);
      if (fault?.malformed === true) text = truncateInsideLabel(text);
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      res.setHeader('Content-Type', CONTENT_TYPES[format]);
      if (gzip) res.setHeader('Content-Encoding', 'gzip');
      res.end(gzip ? gzipSync(text) : text);
    };
    if (fault?.delayMs !== undefined && fault.delayMs > 0) {
      const t = setTimeout(answer, fault.delayMs);
      res.on('close', () => clearTimeout(t));
    } else {
      answer();
    }
  };

  // Exporters are Go net/http servers without an idle timeout: a scraper's connection stays open between
  // scrapes (Node's default would close it after 5 s idle, so every scrape at 10 s or more reconnected).
  const server = await startSimServer(handler, { ...opts, keepAliveTimeoutMs: 0 });
  const port = server.port;

  return {
    port,
    url: (id) => `${scheme}://127.0.0.1:${port}/exporter/${encodeURIComponent(id)}/metrics`,
    setFault: (id, spec) => void (spec === null ? faults.delete(id) : faults.set(id, spec)),
    requests: (id) => counts.get(id) ?? 0,
    close: async () => {
      await server.close();
    },
  };
}

function familiesOf(state: NodeState | DcgmState | NpuState | SmokepingState | ServerState): WriteFamily[] {
  switch (state.kind) {
    case 'node':
      return nodeExporterFamilies(state);
    case 'dcgm':
      return dcgmFamilies(state);
    case 'npu':
      return npuFamilies(state);
    case 'smokeping':
      return smokepingFamilies(state);
    case 'server':
      return ipmiFamilies(state);
  }
}

function authorized(req: http.IncomingMessage, auth: PrometheusSimulatorOptions['auth']): boolean {
  if (auth === undefined) return true;
  const h = req.headers.authorization ?? '';
  if (auth.bearerToken !== undefined && h === `Bearer ${auth.bearerToken}`) return true;
  if (
    auth.basic !== undefined &&
    h === `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`
  )
    return true;
  return false;
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(body);
}

/** A body cut off inside a label value, as a dropped connection behind a proxy leaves it. */
function truncateInsideLabel(text: string): string {
  const at = text.indexOf('="', Math.floor(text.length / 2));
  return at < 0 ? text.slice(0, Math.floor(text.length / 2)) : text.slice(0, at + 3);
}
