/**
 * @module One center's agent in-process: collectors on a schedule, readings into records at every
 * interval boundary, records into the durable outbox, the outbox drained by the sinks.
 *
 * Used by `dims agent` (one per process) and by the demo and accuracy tests (a hundred per process,
 * on an accelerated clock). Nothing here is global: every agent owns its registry, outbox and timers.
 */
import type { CollectorContext, TargetCollector } from '../../../collectors/types.ts';
import type { CenterRecord } from '../../model/records.ts';
import { loadChipTable, type ChipClassifier } from '../chips/classify.ts';
import { parseAgentConfig } from '../config/load.ts';
import type { PluginMap } from '../config/plugins.ts';
import { redact, resolveSecret } from '../config/secrets.ts';
import type { AgentConfig } from '../config/types.ts';
import { buildRecord } from '../normalize/record.ts';
import { TargetReadings } from '../normalize/store.ts';
import { AgentMetrics, serveMetrics } from '../observe/metrics.ts';
import { setupTracing } from '../observe/tracing.ts';
import { exportRegistry } from '../../shared/prom-otlp.ts';
import { Outbox } from '../../push/outbox.ts';
import { HubSink } from '../sinks/hub.ts';
import { JsonlSink, StdoutSink } from '../sinks/local.ts';
import { Sender } from '../../push/sender.ts';
import type { Sink } from '../sinks/types.ts';
import { acceleratedClock, realClock, type Clock } from './clock.ts';
import { Scheduler, type CollectResult } from './scheduler.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface AgentOptions {
  /** Plugins for protocols (tests, the demo); bundled collectors otherwise. */
  plugins?: PluginMap;
  /** Time source; default the wall clock, or an accelerated clock when `timeFactor` is set. */
  clock?: Clock;
  /** Run time this many times faster than the wall clock (simulated days in minutes). */
  timeFactor?: number;
  /** Simulated start time with `timeFactor` (default now). */
  startMs?: number;
  /** Extra sinks, e.g. an in-process delivery to a hub. */
  sinks?: Sink[];
  /** Share one chip table between many agents. */
  chips?: ChipClassifier;
  log?: Logger;
  /** Real-time retry backoff for sinks (default 500 ms … 60 s). */
  sendRetry?: { minMs: number; maxMs: number };
  /** Overrides the config's metrics port (e.g. 0 for any free port; null for none). */
  metricsPort?: number | null;
}

export interface RunningAgent {
  readonly config: AgentConfig;
  readonly metrics: AgentMetrics;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /** Port of the /metrics server, when one runs. */
  readonly metricsPort: number | undefined;
  /** Records built so far by this run (newest last; the last 100 are kept). */
  readonly recent: CenterRecord[];
  /** Calls `fn` for every record this run writes to the outbox; returns an unsubscribe function. */
  onRecord(fn: (r: CenterRecord) => void): () => void;
  /** Runs a scrape round now at boundary `b` (tests). */
  scrapeNow(b?: number): Promise<CollectResult[]>;
  stop(): Promise<void>;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Starts an agent from a validated config or a raw config object. */
export async function runAgentInProcess(
  input: AgentConfig | Record<string, unknown>,
  opts: AgentOptions = {},
): Promise<RunningAgent> {
  let config: AgentConfig;
  let plugins: PluginMap;
  if ('intervalMs' in input && 'baseDir' in input) {
    config = input as AgentConfig;
    plugins = opts.plugins ?? (await parsePluginsFor(config));
  } else {
    ({ config, plugins } = await parseAgentConfig(input, opts.plugins ? { plugins: opts.plugins } : {}));
  }
  const clock =
    opts.clock ?? (opts.timeFactor !== undefined ? acceleratedClock(opts.timeFactor, opts.startMs) : realClock);
  const secrets = new Set<string>();
  const secret = (ref: string) => {
    const v = resolveSecret(ref, config.baseDir);
    secrets.add(v);
    return v;
  };
  const baseLog: Logger =
    opts.log ??
    ((level, message, fields) => {
      process.stderr.write(
        `${JSON.stringify({ ts: new Date().toISOString(), level, center: config.center, msg: message, ...fields })}\n`,
      );
    });
  const log: Logger = (level, message, fields) => {
    if (LEVELS[level] < LEVELS[config.logLevel]) return;
    baseLog(
      level,
      redact(message, secrets),
      fields ? (JSON.parse(redact(JSON.stringify(fields), secrets)) as Record<string, unknown>) : undefined,
    );
  };

  const chips = opts.chips ?? loadChipTable(config.extraChips);
  const I = config.intervalMs;
  const maxGapMs = Math.round(config.scrapeIntervalMs * 2.5);
  const readings = new Map(
    config.targets.map((t) => [
      t.id,
      new TargetReadings(t, {
        maxGapMs,
        ...(config.schedNamespaces ? { schedNamespaces: config.schedNamespaces } : {}),
      }),
    ]),
  );
  const collectors: Array<{ id: string; protocol: string; timeoutMs: number; collector: TargetCollector }> =
    config.targets.map((t) => {
      const ctx: CollectorContext = {
        secret,
        log: (level, message, fields) => log(level, message, { target: t.id, ...fields }),
      };
      return {
        id: t.id,
        protocol: t.protocol,
        timeoutMs: t.timeoutMs,
        collector: plugins[t.protocol]!.create(t.config, ctx),
      };
    });

  const sinks: Sink[] = config.sinks.map((s) => {
    if (s.type === 'hub') {
      return new HubSink({
        name: s.name,
        url: s.url,
        token: secret(s.token),
        gzip: s.gzip,
        batch: s.batch,
        timeoutMs: s.timeoutMs,
        ...(s.caFile ? { caFile: s.caFile } : {}),
        insecureSkipVerify: s.insecureSkipVerify,
      });
    }
    return s.type === 'jsonl' ? new JsonlSink(s.name, s.path) : new StdoutSink(s.name);
  });
  sinks.push(...(opts.sinks ?? []));
  const outbox = new Outbox(
    config.outbox.path,
    sinks.map((s) => s.name),
    config.outbox.maxRecords,
  );
  const metrics = new AgentMetrics(config.center, () => {
    const st = outbox.stats();
    return {
      depth: st.depth,
      oldestAgeSeconds: st.oldestCreatedMs === undefined ? 0 : Math.max(0, (clock.now() - st.oldestCreatedMs) / 1000),
    };
  });
  // The same metrics also go out over OTLP when the OTEL_* environment asks for it.
  const unexport = exportRegistry(metrics.registry);
  const tracing = setupTracing(config.center, config.tracing);
  const senders = sinks.map(
    (sink) =>
      new Sender(
        outbox,
        sink,
        {
          sent: (name, n) => metrics.recordsSent.inc({ sink: name }, n),
          deadLettered: (name, n) => {
            metrics.recordsDeadLettered.inc({ sink: name }, n);
            log('error', `sink ${name} refused ${n} record(s) as invalid; moved to the dead-letter table`);
          },
          failed: (name, reason, status) => {
            metrics.sinkErrors.inc({ sink: name, status: String(status ?? 0) });
            log('warn', `sink ${name}: ${reason}; will retry`);
          },
        },
        opts.sendRetry ?? { minMs: 500, maxMs: 60_000 },
      ),
  );

  // --- collection -------------------------------------------------------------------------------
  const up = new Map<string, boolean>();
  // A partial read is logged when what is missing changes, not every round.
  const partial = new Map<string, string>();
  const detected = new Map<string, string>();
  const reportPartial = (r: CollectResult) => {
    if (r.detected !== undefined && detected.get(r.id) !== r.detected) {
      detected.set(r.id, r.detected);
      log('info', `target ${r.id}: profile auto: ${r.detected}`, { protocol: r.protocol });
    }
    const missing = r.missing ?? [];
    metrics.readingsMissing.set({ target: r.id, protocol: r.protocol }, missing.length);
    const key = missing.map((m) => m.reading).join(',');
    if (key === (partial.get(r.id) ?? '')) return;
    partial.set(r.id, key);
    if (missing.length === 0) log('info', `target ${r.id}: every expected reading is back`, { protocol: r.protocol });
    else
      log('warn', `target ${r.id}: partial read, missing ${key}`, {
        protocol: r.protocol,
        missing: missing.map((m) => `${m.reading}: ${m.detail}`),
      });
  };
  const onResult = (r: CollectResult) => {
    const labels = { target: r.id, protocol: r.protocol };
    if (r.skipped === 'backoff') {
      metrics.scrapesSkipped.inc({ reason: 'backoff', protocol: r.protocol });
      return;
    }
    metrics.scrapeDuration.set(labels, r.durationMs / 1000);
    metrics.targetUp.set(labels, r.ok ? 1 : 0);
    if (r.ok) {
      const tr = readings.get(r.id)!;
      const before = tr.resets + tr.replacements;
      const [resets, replacements] = [tr.resets, tr.replacements];
      tr.ingest(r.t, r.samples ?? []);
      if (tr.resets + tr.replacements !== before) {
        if (tr.resets > resets) metrics.counterDiscontinuities.inc({ kind: 'reset' }, tr.resets - resets);
        if (tr.replacements > replacements) {
          metrics.counterDiscontinuities.inc({ kind: 'replacement' }, tr.replacements - replacements);
          log(
            'warn',
            `target ${r.id}: a counter jumped or dropped like a replaced meter; the interval it falls in has no delta for it`,
          );
        }
      }
      metrics.scrapeSamples.set(labels, r.samples?.length ?? 0);
      reportPartial(r);
      if (up.get(r.id) === false) log('info', `target ${r.id} is back`, { protocol: r.protocol });
      up.set(r.id, true);
    } else {
      if (r.skipped === 'busy') metrics.scrapesSkipped.inc({ reason: 'busy', protocol: r.protocol });
      metrics.scrapeErrors.inc({ kind: r.error?.kind ?? 'protocol', protocol: r.protocol });
      if (up.get(r.id) !== false)
        log('warn', `target ${r.id} failed: ${r.error?.message ?? 'unknown error'}`, {
          protocol: r.protocol,
          kind: r.error?.kind,
        });
      up.set(r.id, false);
    }
  };
  const scheduler = new Scheduler(collectors, {
    clock,
    scrapeIntervalMs: config.scrapeIntervalMs,
    spread: config.spread,
    concurrency: config.concurrency,
    perProtocol: config.perProtocol,
    backoffMaxMs: config.backoffMaxMs,
    onResult,
    onRound(round, done) {
      const span = tracing.tracer.startSpan('agent.scrape_round', {
        attributes: {
          'dims.center': config.center,
          'dims.round': new Date(round).toISOString(),
          'dims.targets': collectors.length,
        },
      });
      void done.then((rs) => {
        span.setAttribute('dims.targets_ok', rs.filter((r) => r.ok).length);
        span.setAttribute('dims.targets_failed', rs.filter((r) => !r.ok).length);
        span.end();
      });
    },
  });

  // --- records ----------------------------------------------------------------------------------
  const listeners = new Set<(r: CenterRecord) => void>();
  const recent: CenterRecord[] = [];
  const warnedChips = new Set<string>();
  const maxTimeout = Math.max(0, ...config.targets.map((t) => t.timeoutMs));
  // A record closes once the first round after its end has had every target's deadline pass.
  const settleMs =
    Math.floor(config.scrapeIntervalMs * config.spread) +
    maxTimeout +
    Math.min(1000, Math.floor(config.scrapeIntervalMs * 0.05));
  const inventoryTtlMs = Math.max(24 * 3_600_000, 3 * I);

  const write = (records: CenterRecord[]) => {
    const { added, dropped } = outbox.enqueue(records, clock.now());
    metrics.recordsBuilt.inc(added);
    if (dropped > 0) {
      metrics.recordsDropped.inc(dropped);
      log('warn', `outbox full: dropped the ${dropped} oldest record(s)`);
    }
    for (const r of records) {
      recent.push(r);
      if (recent.length > 100) recent.shift();
      for (const fn of listeners) fn(r);
    }
    for (const s of senders) s.kick();
  };

  const now0 = clock.now();
  let nextStart = Math.floor(now0 / I) * I;
  const lastEnd = outbox.lastEndMs();
  if (lastEnd !== undefined && lastEnd > nextStart) nextStart = lastEnd;
  if (lastEnd !== undefined && lastEnd < nextStart) {
    // Intervals the agent was down for: said explicitly, every target missing, nothing invented.
    const from = Math.max(lastEnd, nextStart - config.outbox.maxBackfill * I);
    const gap: CenterRecord[] = [];
    for (let s = from; s < nextStart; s += I) {
      gap.push({
        center: config.center,
        start: new Date(s).toISOString(),
        end: new Date(s + I).toISOString(),
        metrics: {},
        quality: { targets_expected: config.targets.length, targets_missing: config.targets.map((t) => t.id).sort() },
      });
    }
    if (gap.length > 0) {
      write(gap);
      log('info', `agent was down: wrote ${gap.length} record(s) with every target missing`);
    }
  }

  let cancelClose: (() => void) | undefined;
  let stopped = false;
  const closeDue = () => {
    if (stopped) return;
    while (clock.now() >= nextStart + I + settleMs) {
      const start = nextStart;
      const end = start + I;
      const span = tracing.tracer.startSpan('agent.record', {
        attributes: { 'dims.center': config.center, 'dims.start': new Date(start).toISOString() },
      });
      const { record, unclassified } = buildRecord({ config, chips, targets: readings, inventoryTtlMs }, start, end);
      const missing = record.quality?.targets_missing?.length ?? 0;
      metrics.targetsMissing.set(missing);
      const kinds = { cpu: new Set<string>(), accelerator: new Set<string>() } as Record<string, Set<string>>;
      for (const u of unclassified) {
        const k = `${u.vendor}/${u.model}`;
        kinds[u.kind]?.add(k);
        if (!warnedChips.has(`${u.kind}:${k}`)) {
          warnedChips.add(`${u.kind}:${k}`);
          log(
            'warn',
            `the chip table has no peak figures for ${u.kind} ${JSON.stringify(u.vendor)} ${JSON.stringify(u.model)}; it counts in inventory, not in PFLOPS (add it with extra_chips)`,
          );
        }
      }
      for (const [k, set] of Object.entries(kinds)) metrics.unclassifiedChips.set({ kind: k }, set.size);
      span.setAttribute('dims.metrics', Object.keys(record.metrics).length);
      span.setAttribute('dims.targets_missing', missing);
      write([record]);
      span.end();
      nextStart = end;
      for (const tr of readings.values()) tr.prune(end - 3 * config.scrapeIntervalMs);
    }
    const due = nextStart + I + settleMs;
    cancelClose = clock.setTimer(closeDue, Math.max(1, due - clock.now()));
  };

  const metricsPort = opts.metricsPort === null ? undefined : (opts.metricsPort ?? config.metricsPort);
  const server = metricsPort === undefined ? undefined : await serveMetrics(metrics.registry, metricsPort);
  for (const s of senders) s.start();
  scheduler.start();
  closeDue();
  log(
    'info',
    `agent started: ${collectors.length} targets, interval ${I} ms, scrape every ${config.scrapeIntervalMs} ms`,
    server ? { metrics: `http://127.0.0.1:${server.port}/metrics` } : undefined,
  );

  return {
    config,
    metrics,
    outbox,
    clock,
    metricsPort: server?.port,
    recent,
    onRecord(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    scrapeNow(b) {
      return scheduler.round(b ?? clock.now());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      cancelClose?.();
      await scheduler.stop();
      await Promise.all(senders.map((s) => s.stop()));
      await Promise.allSettled(collectors.map((c) => c.collector.close()));
      await Promise.allSettled(sinks.map((s) => s.close()));
      await server?.close();
      await tracing.shutdown();
      unexport();
      outbox.close();
    },
  };
}

async function parsePluginsFor(config: AgentConfig): Promise<PluginMap> {
  const { loadPlugins } = await import('../config/plugins.ts');
  const { plugins, unavailable } = await loadPlugins(config.targets.map((t) => t.protocol));
  if (unavailable.size > 0)
    throw new Error(`protocols not available: ${[...unavailable].map(([p, why]) => `${p} (${why})`).join(', ')}`);
  return plugins;
}
