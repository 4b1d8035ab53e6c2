/** @module Everything a hub's routes, scheduler and federation share: config, catalog, registry, storage, state, metrics, engine. */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { Storage } from '../storage/types.ts';
import type { PeriodKindName } from '../model/periods.ts';
import type { HubConfig } from './config.ts';
import type { StateDb } from './state-db.ts';
import { HubMetrics } from './metrics.ts';
import { setupTracing, type Tracing } from './tracing.ts';
import { EngineRunner } from './engine-runner.ts';
import type { IngestDeps } from './ingest.ts';
import { rollupToWire } from '../records/parse.ts';
import { OverlapGuard } from './overlap-guard.ts';
import { StorageHealth } from './storage-health.ts';
import { storageInputs, type ReportInputs } from '../report/inputs.ts';
import { ReportCache } from '../report/cache.ts';

export type Logger = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface HubDeps {
  config: HubConfig;
  catalog: Catalog;
  registry: RegistryIndex;
  storage: Storage;
  state: StateDb;
  metrics?: HubMetrics;
  tracing?: Tracing;
  engine?: EngineRunner;
  now?: () => number;
  log?: Logger;
}

export interface HubContext extends Required<Omit<HubDeps, 'now'>> {
  now: () => number;
  ingest: IngestDeps;
  /** What reports read (stored values; filings from the engine's memory) and the rendered reports kept. */
  reports: { inputs: ReportInputs; cache: ReportCache };
  /** Whether storage takes writes (the `storage` above is watched by it). */
  storageHealth: StorageHealth;
}

const defaultLog: Logger = (level, message) => {
  const line = `${new Date().toISOString()} ${level} ${message}`;
  if (level === 'info') console.log(line);
  else console.error(line);
};

/** Fills in what the caller did not provide (metrics, tracing, engine) from the config. */
export function createContext(deps: HubDeps): HubContext {
  const now = deps.now ?? Date.now;
  const { config, catalog, registry, state } = deps;
  const metrics = deps.metrics ?? new HubMetrics(catalog, registry);
  const log = deps.log ?? defaultLog;
  const storageHealth = new StorageHealth(deps.storage, metrics, log);
  const storage = storageHealth.watch(deps.storage);
  const tracing =
    deps.tracing ??
    setupTracing({
      ...(config.telemetry.otlp_endpoint ? { endpoint: config.telemetry.otlp_endpoint } : {}),
      serviceName: config.telemetry.service_name,
      role: config.role,
    });
  const engine =
    deps.engine ??
    new EngineRunner({
      catalog,
      registry,
      storage,
      state,
      metrics,
      tracing,
      tz: config.timezone,
      realtimeMinutes: config.engine.realtime_minutes,
      storeRealtime: config.engine.store_realtime,
      now,
      // A provincial hub forwarding roll-ups queues each hour roll-up it writes for the national hub.
      ...(config.federation?.forward === 'rollups'
        ? { onHours: (rollups) => state.outbox.enqueue(rollups.map(rollupToWire), now()) }
        : {}),
    });
  const closeKinds: PeriodKindName[] = config.engine.enabled ? config.engine.kinds : [];
  const reportCache = new ReportCache();
  engine.valuesStored.push((kind, period) => reportCache.periodStored(kind, period));
  const reportInputs = storageInputs(storage, {
    catalog,
    registry,
    tz: config.timezone,
    filingsBefore: (ms) => engine.declarations.before(ms),
  });
  return {
    config,
    catalog,
    registry,
    storage,
    state,
    metrics,
    tracing,
    engine,
    now,
    log,
    storageHealth,
    reports: { inputs: reportInputs, cache: reportCache },
    ingest: {
      catalog,
      registry,
      storage,
      state,
      metrics,
      tracing,
      tz: config.timezone,
      closeKinds,
      overlaps: new OverlapGuard(storage),
      maxDirtyPeriods: config.limits.dirty_periods_per_request,
      federate: config.federation?.forward === 'rollups' ? 'declarations' : !!config.federation,
      now,
      rawRetentionMs: storage.retention.raw,
      stored: (telemetry, declarations) => {
        engine.live.add(telemetry);
        if (declarations > 0) {
          engine.declarations.changed();
          reportCache.clear();
        }
      },
    },
  };
}

export function isContext(d: HubDeps | HubContext): d is HubContext {
  return 'ingest' in d;
}
