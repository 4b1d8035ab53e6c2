/**
 * @module The agent's inputs: one collector per target from its protocol's plugin, a reading store per target,
 * and what happens to every collection result (readings stored, self-metrics, target up/down and partial-read
 * logs that change only when the state changes).
 */
import type { CollectorContext, TargetCollector } from '../../../collectors/types.ts';
import type { PluginMap } from '../config/plugins.ts';
import type { AgentConfig } from '../config/types.ts';
import { TargetReadings } from '../normalize/store.ts';
import type { AgentMetrics } from '../observe/metrics.ts';
import type { AgentLog, Logger } from './logging.ts';
import type { Tracer } from '@opentelemetry/api';
import type { Clock } from './clock.ts';
import { Scheduler, type CollectResult } from './scheduler.ts';

export interface Input {
  id: string;
  protocol: string;
  timeoutMs: number;
  collector: TargetCollector;
}

export function createInputs(
  config: AgentConfig,
  plugins: PluginMap,
  { log, secret }: AgentLog,
): { collectors: Input[]; readings: Map<string, TargetReadings> } {
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
  const collectors = config.targets.map((t) => {
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
  return { collectors, readings };
}

/** The collectors on the scrape schedule; each round is a span. */
export function scheduleInputs(
  collectors: Input[],
  config: AgentConfig,
  clock: Clock,
  onResult: (r: CollectResult) => void,
  tracer: Tracer,
): Scheduler {
  return new Scheduler(collectors, {
    clock,
    scrapeIntervalMs: config.scrapeIntervalMs,
    spread: config.spread,
    concurrency: config.concurrency,
    perProtocol: config.perProtocol,
    backoffMaxMs: config.backoffMaxMs,
    onResult,
    onRound(round, done) {
      const span = tracer.startSpan('agent.scrape_round', {
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
}

/** Handles each collection result: readings into the store, self-metrics, state changes logged once. */
export function resultHandler(
  readings: Map<string, TargetReadings>,
  metrics: AgentMetrics,
  log: Logger,
): (r: CollectResult) => void {
  const up = new Map<string, boolean>();
  const reportPartial = partialReadReporter(metrics, log);
  const stored = (r: CollectResult) => {
    const tr = readings.get(r.id)!;
    const [resets, replacements] = [tr.resets, tr.replacements];
    tr.ingest(r.t, r.samples ?? []);
    if (tr.resets > resets) metrics.counterDiscontinuities.inc({ kind: 'reset' }, tr.resets - resets);
    if (tr.replacements > replacements) {
      metrics.counterDiscontinuities.inc({ kind: 'replacement' }, tr.replacements - replacements);
      log(
        'warn',
        `target ${r.id}: a counter jumped or dropped like a replaced meter; the interval it falls in has no delta for it`,
      );
    }
  };
  return (r) => {
    const labels = { target: r.id, protocol: r.protocol };
    if (r.skipped === 'backoff') {
      metrics.scrapesSkipped.inc({ reason: 'backoff', protocol: r.protocol });
      return;
    }
    metrics.scrapeDuration.set(labels, r.durationMs / 1000);
    metrics.targetUp.set(labels, r.ok ? 1 : 0);
    if (r.ok) {
      stored(r);
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
}

/** A partial read is logged when what is missing changes, not every round; auto-detected profiles once. */
function partialReadReporter(metrics: AgentMetrics, log: Logger): (r: CollectResult) => void {
  const partial = new Map<string, string>();
  const detected = new Map<string, string>();
  return (r) => {
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
}
