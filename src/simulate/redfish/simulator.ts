/**
 * @module Simulated Redfish BMCs and PDUs, many on one loopback port: Basic and Session auth, vendor styles, injected faults.
 *
 * URL shape: `http(s)://127.0.0.1:<port>/bmc/<device id>` is a BMC's base URL; its service root is
 * `<base>/redfish/v1/` and every `@odata.id` it returns carries the `/bmc/<id>` prefix. One port for
 * thousands of BMCs keeps fleet simulations within file-descriptor and port limits.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { startSimServer } from '../http-server.ts';
import type { FaultSpec, PduState, ServerState, SimDevice } from '../device-state.ts';
import { simResource } from './resources.ts';
import type { BmcStyle } from './resources.ts';

export type { BmcStyle } from './resources.ts';

/** A simulated Redfish device: any server or PDU SimDevice, optionally with a BMC style (default modern/generic). */
export type RedfishDevice = SimDevice<ServerState | PduState> & { style?: Partial<BmcStyle> };

/** Options of {@link startRedfishSimulator}. */
export interface RedfishSimulatorOptions {
  devices: readonly RedfishDevice[];
  /** Initial faults by device id (copied; change later with `setFault`). */
  faults?: ReadonlyMap<string, FaultSpec>;
  /** Loopback only. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted credentials for every device (default admin / admin). */
  credentials?: { username: string; password: string };
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Clock handed to `device.read` (default Date.now). */
  now?: () => number;
}

/** Per-device counters, for tests and fleet dashboards. */
export interface BmcStats {
  requests: number;
  /** Largest number of requests this BMC had in flight at once. */
  maxInFlight: number;
  sessionsCreated: number;
  sessionsDeleted: number;
  liveSessions: number;
  /** `METHOD /path-below-redfish/v1` of the last 500 requests. */
  log: string[];
}

/** A running simulator. */
export interface RedfishSimulator {
  /** Base URL of one device (what a collector's `url` option takes). */
  url(id: string): string;
  readonly port: number;
  /** Sets or clears (null) the fault of one device. */
  setFault(id: string, spec: FaultSpec | null): void;
  stats(id: string): BmcStats;
  /** Forgets every session of one device, as a BMC reset or session timeout does. */
  expireSessions(id: string): void;
  /** Stops listening and drops every connection, hung ones included. */
  close(): Promise<void>;
}

interface Bmc {
  device: RedfishDevice;
  style: BmcStyle;
  stats: BmcStats;
  inFlight: number;
  sessions: Map<string, string>; // token → session id
  nextSession: number;
}

/**
 * Starts the simulator.
 * @example
 * const sim = await startRedfishSimulator({ devices: [server], host: '127.0.0.1', port: 0 });
 * redfishPlugin.create({ url: sim.url(server.id), username: 'admin', password: 'env:BMC_PW' }, ctx);
 */
export async function startRedfishSimulator(opts: RedfishSimulatorOptions): Promise<RedfishSimulator> {
  const creds = opts.credentials ?? { username: 'admin', password: 'admin' };
  const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  const faults = new Map(opts.faults ?? []);
  const now = opts.now ?? Date.now;
  const bmcs = new Map<string, Bmc>(
    opts.devices.map((d) => [
      d.id,
      {
        device: d,
        style: { schema: d.style?.schema ?? 'modern', vendor: d.style?.vendor ?? 'generic' },
        stats: { requests: 0, maxInFlight: 0, sessionsCreated: 0, sessionsDeleted: 0, liveSessions: 0, log: [] },
        inFlight: 0,
        sessions: new Map(),
        nextSession: 1,
      },
    ]),
  );

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const m = /^\/bmc\/([^/]+)\/redfish\/v1(\/.*)?$/.exec(url.pathname);
    const bmc = m === null ? undefined : bmcs.get(decodeURIComponent(m[1]!));
    if (m === null || bmc === undefined)
      return void sendJson(res, 404, errorBody('Base.1.0.ResourceMissingAtURI', 'No such BMC'));
    const prefix = `/bmc/${m[1]}/redfish/v1`;
    const rel = (m[2] ?? '/').replace(/^\/+|\/+$/g, '');
    const st = bmc.stats;
    st.requests++;
    st.log.push(`${req.method} /${rel}`);
    if (st.log.length > 500) st.log.shift();
    bmc.inFlight++;
    st.maxInFlight = Math.max(st.maxInFlight, bmc.inFlight);
    res.on('close', () => bmc.inFlight--);

    const fault = faults.get(bmc.device.id);
    if (fault?.hang === true) return; // never answer; close() destroys the socket
    const answer = (body: string): void => {
      if (fault?.httpStatus !== undefined)
        return void sendJson(
          res,
          fault.httpStatus,
          errorBody('Base.1.0.InternalError', `Injected HTTP ${fault.httpStatus}`),
        );
      if (fault?.htmlErrorPage === true)
        return void send(
          res,
          200,
          'text/html; charset=utf-8',
          '<!DOCTYPE html><html><head><title>Error</title></head><body><h1>BMC web server error</h1></body></html>',
        );
      route(bmc, prefix, rel, req, res, body, fault?.malformed === true);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (fault?.delayMs !== undefined && fault.delayMs > 0) {
        const t = setTimeout(() => answer(body), fault.delayMs);
        res.on('close', () => clearTimeout(t));
      } else {
        answer(body);
      }
    });
  };

  const route = (
    bmc: Bmc,
    prefix: string,
    rel: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    malformed: boolean,
  ): void => {
    // iLO 4 refuses requests without OData-Version (telegraf#8093).
    if (bmc.style.vendor === 'hpe' && req.headers['odata-version'] === undefined) {
      return void sendJson(res, 412, errorBody('Base.1.0.PreconditionFailed', 'OData-Version header required'));
    }
    const sessionsRel = 'SessionService/Sessions';
    if (req.method === 'POST' && rel === sessionsRel) {
      let c: { UserName?: unknown; Password?: unknown } = {};
      try {
        c = JSON.parse(body) as typeof c;
      } catch {
        return void sendJson(res, 400, errorBody('Base.1.0.MalformedJSON', 'Malformed JSON'));
      }
      if (c.UserName !== creds.username || c.Password !== creds.password)
        return void sendJson(res, 401, errorBody('Base.1.0.NoValidSession', 'Invalid credentials'));
      const id = String(bmc.nextSession++);
      const token = randomBytes(16).toString('hex');
      bmc.sessions.set(token, id);
      bmc.stats.sessionsCreated++;
      bmc.stats.liveSessions = bmc.sessions.size;
      const loc = `${prefix}/${sessionsRel}/${id}`;
      res.setHeader('X-Auth-Token', token);
      res.setHeader('Location', loc);
      return void sendJson(res, 201, {
        '@odata.id': loc,
        '@odata.type': '#Session.v1_6_0',
        Id: id,
        Name: 'User Session',
        UserName: creds.username,
      });
    }
    // The service root is readable without credentials (DSP0266 §Service root).
    const token = req.headers['x-auth-token'];
    const authed =
      rel === '' || req.headers.authorization === basic || (typeof token === 'string' && bmc.sessions.has(token));
    if (!authed) return void sendJson(res, 401, errorBody('Base.1.0.NoValidSession', 'Authentication required'));
    if (req.method === 'DELETE') {
      const sm = new RegExp(`^${sessionsRel}/(\\d+)$`).exec(rel);
      const entry = sm === null ? undefined : [...bmc.sessions].find(([, id]) => id === sm[1]);
      if (entry === undefined)
        return void sendJson(res, 404, errorBody('Base.1.0.ResourceMissingAtURI', 'No such session'));
      bmc.sessions.delete(entry[0]);
      bmc.stats.sessionsDeleted++;
      bmc.stats.liveSessions = bmc.sessions.size;
      res.statusCode = 204;
      return void res.end();
    }
    if (req.method !== 'GET')
      return void sendJson(res, 405, errorBody('Base.1.0.OperationNotAllowed', 'Method not allowed'));
    if (rel === sessionsRel) {
      return void sendJson(res, 200, {
        '@odata.id': `${prefix}/${sessionsRel}`,
        Members: [...bmc.sessions.values()].map((id) => ({ '@odata.id': `${prefix}/${sessionsRel}/${id}` })),
        'Members@odata.count': bmc.sessions.size,
      });
    }
    const answer = simResource(prefix, bmc.style, bmc.device.read(now()), rel);
    if ('notFound' in answer) {
      if (answer.notFound === 'html')
        return void send(res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>');
      return void sendJson(res, 404, errorBody('Base.1.0.ResourceMissingAtURI', `/${rel} not found`));
    }
    if (malformed) {
      const text = JSON.stringify(answer.json);
      return void send(
        res,
        200,
        'application/json; charset=utf-8',
        text.slice(0, Math.max(1, Math.floor(text.length / 2))),
      );
    }
    sendJson(res, 200, answer.json);
  };

  const server = await startSimServer(handler, opts);
  const port = server.port;
  const scheme = opts.tls === undefined ? 'http' : 'https';

  return {
    port,
    url: (id) => `${scheme}://127.0.0.1:${port}/bmc/${encodeURIComponent(id)}`,
    setFault: (id, spec) => void (spec === null ? faults.delete(id) : faults.set(id, spec)),
    stats: (id) => {
      const b = bmcs.get(id);
      if (b === undefined) throw new Error(`no simulated BMC ${id}`);
      return { ...b.stats, log: [...b.stats.log] };
    },
    expireSessions: (id) => {
      const b = bmcs.get(id);
      if (b === undefined) throw new Error(`no simulated BMC ${id}`);
      b.sessions.clear();
      b.stats.liveSessions = 0;
    },
    close: async () => {
      await server.close();
    },
  };
}

function errorBody(id: string, message: string): Record<string, unknown> {
  return { error: { code: id, message, '@Message.ExtendedInfo': [{ MessageId: id, Message: message }] } };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.setHeader('OData-Version', '4.0');
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(body);
}
