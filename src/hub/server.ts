/**
 * @module Starts a hub from its config: catalog, registry, storage, state DB, the express app on
 * 127.0.0.1 (by default), the engine schedule and, on a provincial hub, federation upward.
 */
import { exportRegistry } from '../shared/prom-registries.ts';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { defaultCatalog, loadCatalog } from '../catalog/load.ts';
import { loadRegistry } from '../registry/load.ts';
import { createStorage, type StorageConfig } from '../storage/open.ts';
import { isStorageUnavailable } from '../storage/errors.ts';
import type { Storage } from '../storage/types.ts';
import { createApp } from './app.ts';
import { serverOptions, watchTls } from './tls.ts';
import type { HubConfig } from './config.ts';
import { createContext, type HubContext, type Logger } from './context.ts';
import { StateDb } from './state-db.ts';
import { HubMetrics } from './metrics.ts';
import { Scheduler } from './scheduler.ts';
import { Forwarder } from './federation.ts';
import { scheduleReports, type ReportScheduler } from '../report/schedule.ts';
import { closePdfEngine } from '../report/pdf.ts';

export interface RunningHub {
  url: string;
  ctx: HubContext;
  scheduler: Scheduler;
  forwarder: Forwarder;
  /** The report schedule, when the config has `reports`. */
  reports: ReportScheduler | undefined;
  close(): Promise<void>;
}

/** Opens storage; when it is down at start the hub still starts (ingest answers 503) and retries opening. */
async function openResilient(
  config: StorageConfig,
  log: Logger,
): Promise<{ storage: Storage; retry?: NodeJS.Timeout }> {
  const storage = createStorage(config);
  try {
    await storage.open();
    return { storage };
  } catch (err) {
    if (!isStorageUnavailable(err)) throw err;
    log('warn', `storage unavailable at start (${(err as Error).message}); retrying every 5 s`);
    const retry = setInterval(() => {
      storage.open().then(
        () => {
          clearInterval(retry);
          log('info', 'storage is available');
        },
        () => undefined,
      );
    }, 5000);
    retry.unref();
    return { storage, retry };
  }
}

export async function startHub(
  config: HubConfig,
  opts: {
    log?: Logger;
    scheduler?: boolean;
    /** The hub's clock (default Date.now); the hub benchmark runs the real schedule on a compressed one. */
    now?: () => number;
    /** How often (wall ms) the schedule looks at the clock (default 1000). */
    tickMs?: number;
  } = {},
): Promise<RunningHub> {
  const log: Logger =
    opts.log ??
    ((level, message) =>
      (level === 'info' ? console.log : console.error)(`${new Date().toISOString()} ${level} ${message}`));
  const catalog = config.catalog ? loadCatalog(config.catalog) : defaultCatalog();
  const registry = loadRegistry(config.registry, catalog);
  if (config.role === 'provincial') {
    const foreign = registry.centers.filter((c) => c.province !== config.province);
    if (foreign.length > 0)
      log(
        'warn',
        `provincial hub ${config.province}: registry lists ${foreign.length} center(s) of other provinces (e.g. ` +
          `${foreign[0]!.id}); they are accepted only with their own tokens`,
      );
  }
  const { storage, retry } = await openResilient(config.storage as unknown as StorageConfig, log);
  const state = new StateDb(config.state_db);
  const metrics = new HubMetrics(catalog, registry, { defaultMetrics: true });
  // The same metrics also go out over OTLP when the OTEL_* environment asks for it.
  const unexport = exportRegistry(metrics.registry);
  const ctx = createContext({
    config,
    catalog,
    registry,
    storage,
    state,
    metrics,
    log,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await seedLastRecordGauges(ctx);
  const app = createApp(ctx);
  const tlsConfig = config.listen.tls;
  const server: Server = tlsConfig ? createHttpsServer(serverOptions(tlsConfig), app) : createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const unwatchTls = tlsConfig ? watchTls(server as HttpsServer, tlsConfig, log) : ignoreHangup(log);
  const addr = server.address() as AddressInfo;
  const url = `${tlsConfig ? 'https' : 'http'}://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const scheduler = new Scheduler(ctx, opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {});
  if (config.engine.enabled && opts.scheduler !== false) scheduler.start();
  const forwarder = new Forwarder(ctx);
  forwarder.start();
  // Scheduled reports read the same stored values the API and dashboards show.
  const reports = config.reports
    ? scheduleReports(
        ctx.reports.inputs,
        { ...config.reports, tz: config.timezone },
        {
          onReport: (e) => ctx.metrics.reports.inc({ kind: e.kind, format: e.format, result: e.result }),
          // Downloads of a scheduled report are sent from memory, not built again.
          rendered: (key, file) => ctx.reports.cache.set(key, file),
          log: (level, message) => log(level, `reports: ${message}`),
        },
      )
    : undefined;
  // A closed month that late records changed gets its scheduled reports rewritten (errors are logged by the batch).
  if (reports) scheduler.onRecomputed = (kind, period) => reports.refresh(kind, period);
  let closed = false;
  return {
    url,
    ctx,
    scheduler,
    forwarder,
    reports,
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearInterval(retry);
      unwatchTls();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      await scheduler.stop();
      await reports?.stop();
      // The browser PDF reports are printed with, if one was started.
      await closePdfEngine();
      await forwarder.stop();
      await ctx.tracing.shutdown();
      unexport();
      await storage.close().catch(() => undefined);
      state.close();
    },
  };
}

/** The "records stopped arriving" gauge survives restarts: seed it from the last week's records. */
async function seedLastRecordGauges(ctx: HubContext): Promise<void> {
  try {
    const now = ctx.now();
    for (const s of await ctx.storage.reportStats(now - 7 * 86_400_000, now + 60_000))
      ctx.metrics.noteRecordEnd(s.center, s.province, s.lastEndMs);
  } catch (err) {
    ctx.log('warn', `could not read last record times (${(err as Error).message})`);
  }
}

/** Without TLS there is nothing to reload: SIGHUP (systemctl reload) is logged instead of ending the process. */
function ignoreHangup(log: Logger): () => void {
  const onHup = () => log('info', 'SIGHUP: nothing to reload (no listen.tls)');
  process.on('SIGHUP', onHup);
  return () => void process.off('SIGHUP', onHup);
}
