/**
 * @module Test fixtures for the hub: a small registry over two provinces, record builders, an in-process
 * hub on 127.0.0.1 with a token per scope, and storage wrappers that fail on demand.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { defaultCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/types.ts';
import { indexRegistry, type RegistryIndex } from '../registry/load.ts';
import type { Center } from '../model/centers.ts';
import type { CenterRecord } from '../model/records.ts';
import type { Storage } from '../storage/types.ts';
import { openStorage } from '../storage/open.ts';
import { StorageUnavailableError } from '../storage/errors.ts';
import { createApp } from './app.ts';
import { parseConfig, type HubConfig } from './config.ts';
import { createContext, type HubContext } from './context.ts';
import { StateDb } from './state-db.ts';
import { createToken } from './auth/tokens.ts';

export function center(id: string, province: string, extra: Partial<Center> = {}): Center {
  return {
    id,
    name: `Center ${id}`,
    province,
    type: 'general',
    hub_cluster: null,
    commission_date: '2020-01-01',
    size_class: 'medium',
    racks_design: 1000,
    racks_installed: 800,
    it_rated_kw: 8000,
    grid_capacity_kw: 12000,
    ...extra,
  };
}

/** Two provinces (52 Guizhou, 44 Guangdong), two centers each, plus one in 11 Beijing. */
export function testRegistry(): RegistryIndex {
  return indexRegistry([
    center('gz-01', '52'),
    center('gz-02', '52'),
    center('gd-01', '44'),
    center('gd-02', '44'),
    center('bj-01', '11'),
  ]);
}

/** A plausible one-minute telemetry record. */
export function telemetry(centerId: string, startMs: number, scale = 1, minutes = 1): CenterRecord {
  const h = minutes / 60;
  return {
    center: centerId,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + minutes * 60_000).toISOString(),
    metrics: {
      e_total_kwh: 6000 * h * scale,
      e_it_kwh: 4800 * h * scale,
      e_cooling_kwh: 900 * h * scale,
      water_m3: 2 * h * scale,
      racks_in_use: 700,
      servers_total: 5000,
    },
  };
}

export const SCOPES = [
  'nation',
  'admin',
  'province:52',
  'province:44',
  'agent:gz-01',
  'agent:gd-01',
  'center:gz-01',
  'federate:52',
  'alertmanager',
] as const;

export interface TestHub {
  url: string;
  ctx: HubContext;
  tokens: Record<string, string>;
  server: Server;
  close(): Promise<void>;
  /** fetch with the token of `scope` (or none). Bodies are parsed JSON, inspected ad hoc by tests. */
  call(
    method: string,
    path: string,
    opts?: {
      scope?: string;
      token?: string;
      json?: unknown;
      body?: RequestInit['body'];
      headers?: Record<string, string>;
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

export interface TestHubOptions {
  config?: Record<string, unknown>;
  storage?: Storage;
  registry?: RegistryIndex;
  catalog?: Catalog;
  stateFile?: string;
  now?: () => number;
}

/** Starts a hub in-process on 127.0.0.1 (ephemeral port) with sqlite :memory: storage unless given. */
export async function startTestHub(o: TestHubOptions = {}): Promise<TestHub> {
  const catalog = o.catalog ?? defaultCatalog();
  const registry = o.registry ?? testRegistry();
  const config: HubConfig = parseConfig(
    { registry: 'unused.yaml', storage: { kind: 'sqlite', path: ':memory:' }, ...o.config },
    'test-hub.yaml',
    process.cwd(),
  );
  const storage = o.storage ?? (await openStorage({ kind: 'sqlite', path: ':memory:' }));
  const state = new StateDb(o.stateFile ?? ':memory:');
  const tokens: Record<string, string> = {};
  for (const s of SCOPES) tokens[s] = createToken(state, s).token;
  const ctx = createContext({
    config,
    catalog,
    registry,
    storage,
    state,
    ...(o.now ? { now: o.now } : {}),
    log: () => {},
  });
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    ctx,
    tokens,
    server,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await ctx.engine.idle();
      await storage.close();
      state.close();
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token ?? (opts.scope ? tokens[opts.scope] : undefined);
      if (token) headers.authorization = `Bearer ${token}`;
      let body = opts.body;
      if (opts.json !== undefined) {
        body = JSON.stringify(opts.json);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
  };
}

/** Wraps a storage so tests can make it unavailable (every call throws StorageUnavailableError). */
export function faultyStorage(inner: Storage): Storage & { down: boolean } {
  const wrap = {
    down: false,
    get kind() {
      return inner.kind;
    },
  } as Storage & { down: boolean };
  const guard = <T>(fn: () => Promise<T>): Promise<T> =>
    wrap.down ? Promise.reject(new StorageUnavailableError('test: storage is down')) : fn();
  wrap.open = () => inner.open();
  wrap.close = () => inner.close();
  wrap.ping = () => (wrap.down ? Promise.resolve(false) : inner.ping());
  wrap.probeWrite = () => guard(() => inner.probeWrite());
  wrap.writeRecords = (r) => guard(() => inner.writeRecords(r));
  wrap.queryRecords = (q) => guard(() => inner.queryRecords(q));
  wrap.writeValues = (v) => guard(() => inner.writeValues(v));
  wrap.queryValues = (q) => guard(() => inner.queryValues(q));
  wrap.reportStats = (a, b) => guard(() => inner.reportStats(a, b));
  wrap.latestTelemetry = (c, f, t) => guard(() => inner.latestTelemetry(c, f, t));
  wrap.writeRollups = (r) => guard(() => inner.writeRollups(r));
  wrap.queryRollups = (q) => guard(() => inner.queryRollups(q));
  Object.defineProperty(wrap, 'retention', { get: () => inner.retention });
  wrap.enforceRetention = (t) => guard(() => inner.enforceRetention(t));
  wrap.sizeByTier = () => guard(() => inner.sizeByTier());
  return wrap;
}
