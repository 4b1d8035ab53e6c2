/**
 * @module One center's agent in-process, in named stages as Telegraf's agent runs them: inputs (a collector per
 * target on a schedule, results into reading stores), records (each interval closed into a record in the
 * durable outbox), outputs (one sender per sink draining the outbox).
 *
 * Used by `dims agent` (one per process) and by the demo and accuracy tests (a hundred per process,
 * on an accelerated clock). Nothing here is global: every agent owns its registry, outbox and timers.
 */
import type { CenterRecord } from '../../model/records.ts';
import type { Outbox } from '../../push/outbox.ts';
import { exportRegistry } from '../../shared/prom-registries.ts';
import { loadChipTable, type ChipClassifier } from '../chips/classify.ts';
import { parseAgentConfig } from '../config/load.ts';
import type { PluginMap } from '../config/plugins.ts';
import type { AgentConfig } from '../config/types.ts';
import { AgentMetrics, serveMetrics } from '../observe/metrics.ts';
import { setupTracing } from '../observe/tracing.ts';
import type { Sink } from '../sinks/types.ts';
import { acceleratedClock, realClock, type Clock } from './clock.ts';
import { createInputs, resultHandler, scheduleInputs } from './inputs.ts';
import { agentLog, type Logger } from './logging.ts';
import { logHeapLimit, watchHeap } from './heap.ts';
import { createSenders, createSinks, openOutbox } from './outputs.ts';
import { Records } from './records.ts';
import type { CollectResult } from './scheduler.ts';

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
  /**
   * Where records begin when the outbox holds none: 'current' (default), the interval holding the start, observed
   * only from the start on; 'whole', the first interval the agent observes from its beginning, for when the time
   * before is covered otherwise (the demo's backfill).
   */
  firstRecord?: 'current' | 'whole';
  /**
   * This agent has the process to itself (`dims agent`, the benchmark): log the heap limit at start and an error
   * when the live heap nears it.
   */
  watchHeap?: boolean;
}

export interface RunningAgent {
  readonly config: AgentConfig;
  readonly metrics: AgentMetrics;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /** Start of the first record this run builds. */
  readonly firstRecordStart: number;
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

/** Starts an agent from a validated config or a raw config object. */
export async function runAgentInProcess(
  input: AgentConfig | Record<string, unknown>,
  opts: AgentOptions = {},
): Promise<RunningAgent> {
  const { config, plugins } = await resolveConfig(input, opts);
  const clock =
    opts.clock ?? (opts.timeFactor !== undefined ? acceleratedClock(opts.timeFactor, opts.startMs) : realClock);
  const logging = agentLog(config, opts.log);
  const { log } = logging;
  const chips = opts.chips ?? loadChipTable(config.extraChips);

  // Inputs, outputs and the outbox between them; nothing runs until the end.
  const { collectors, readings } = createInputs(config, plugins, logging);
  const sinks = createSinks(config, opts.sinks ?? [], logging.secret);
  const outbox = openOutbox(config, sinks);
  const metrics = new AgentMetrics(config.center, () => outboxGauges(outbox, clock));
  // The same metrics also go out over OTLP when the OTEL_* environment asks for it.
  const unexport = exportRegistry(metrics.registry);
  const tracing = await setupTracing(config.center, config.tracing);
  const senders = createSenders(outbox, sinks, metrics, log, opts.sendRetry ?? { minMs: 500, maxMs: 60_000 });

  // Inputs on a schedule; records at every interval boundary.
  const scheduler = scheduleInputs(collectors, config, clock, resultHandler(readings, metrics, log), tracing.tracer);
  const records = new Records({
    config,
    chips,
    readings,
    outbox,
    senders,
    metrics,
    tracer: tracing.tracer,
    clock,
    log,
    firstRecord: opts.firstRecord ?? 'current',
  });
  records.resume();
  const firstRecordStart = records.nextRecordStart;

  const metricsPort = opts.metricsPort === null ? undefined : (opts.metricsPort ?? config.metricsPort);
  const server =
    metricsPort === undefined
      ? undefined
      : await serveMetrics(metrics.registry, metricsPort, () => records.readiness());
  for (const s of senders) s.start();
  if (opts.watchHeap) logHeapLimit(collectors.length, log);
  const unwatchHeap = opts.watchHeap ? watchHeap(collectors.length, log) : undefined;
  scheduler.start();
  records.closeDue();
  log(
    'info',
    `agent started: ${collectors.length} targets, interval ${config.intervalMs} ms, scrape every ${config.scrapeIntervalMs} ms`,
    server ? { metrics: `http://127.0.0.1:${server.port}/metrics` } : undefined,
  );

  let stopped = false;
  return {
    config,
    metrics,
    outbox,
    clock,
    firstRecordStart,
    metricsPort: server?.port,
    recent: records.recent,
    onRecord(fn) {
      records.listeners.add(fn);
      return () => records.listeners.delete(fn);
    },
    scrapeNow(b) {
      return scheduler.round(b ?? clock.now());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      records.stop();
      unwatchHeap?.();
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

/** Outbox depth, records held in memory and the age of the oldest, for the metrics. */
function outboxGauges(outbox: Outbox, clock: Clock) {
  const st = outbox.stats();
  return {
    depth: st.depth,
    held: st.held,
    oldestAgeSeconds: st.oldestCreatedMs === undefined ? 0 : Math.max(0, (clock.now() - st.oldestCreatedMs) / 1000),
  };
}

/** A validated config (plugins loaded for its protocols) or a raw one parsed and validated here. */
async function resolveConfig(
  input: AgentConfig | Record<string, unknown>,
  opts: AgentOptions,
): Promise<{ config: AgentConfig; plugins: PluginMap }> {
  if ('intervalMs' in input && 'baseDir' in input) {
    const config = input as AgentConfig;
    return { config, plugins: opts.plugins ?? (await parsePluginsFor(config)) };
  }
  return parseAgentConfig(input, opts.plugins ? { plugins: opts.plugins } : {});
}

async function parsePluginsFor(config: AgentConfig): Promise<PluginMap> {
  const { loadPlugins } = await import('../config/plugins.ts');
  const { plugins, unavailable } = await loadPlugins(config.targets.map((t) => t.protocol));
  if (unavailable.size > 0)
    throw new Error(`protocols not available: ${[...unavailable].map(([p, why]) => `${p} (${why})`).join(', ')}`);
  return plugins;
}
