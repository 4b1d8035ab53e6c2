/**
 * @module Child process that runs the real agent (scheduler, bundled collectors, record building, outbox)
 * for the benchmark, so its CPU and memory are its own and can be read from /proc by the parent.
 *
 * The only addition is a thin wrapper around each collector that notes when each collection started
 * and ended and whether it failed (two timestamps per call), from which the parent computes scrapes per
 * round and how long each round took to complete. Talks to the parent over the fork IPC channel.
 */
import { flushCompileCache } from 'node:module';
import { startHeapProfile } from './heap-profile.ts';
import type { CollectorPlugin, TargetCollector } from '../../../collectors/types.ts';
import { CollectError } from '../../../collectors/types.ts';
import { COLLECTOR_PROTOCOLS, loadPlugins, type PluginMap } from '../../agent/config/plugins.ts';
import { runAgentInProcess, type RunningAgent } from '../../agent/runtime/agent.ts';

/** Messages from the parent. */
export type ToChild =
  | { type: 'start'; config: Record<string, unknown>; env: Record<string, string> }
  | { type: 'report' }
  | { type: 'stop' }
  | { type: 'warm' };

/** One scrape round as the child saw it. */
export interface RoundStats {
  /** Round boundary, ms since epoch. */
  round: number;
  /** Collections started in this round. */
  scrapes: number;
  ok: number;
  errors: Record<string, number>;
  /** Last collection end minus the boundary, ms. */
  completeMs: number;
  /** Each collection's duration, ms. */
  durations: number[];
  /** Collections and their slowest duration per protocol. */
  protocols: Record<string, { scrapes: number; ok: number; maxMs: number }>;
}

/** Messages to the parent. */
export type FromChild =
  | { type: 'started'; targets: number }
  | { type: 'report'; rounds: RoundStats[] }
  | { type: 'stopped' }
  | { type: 'warmed' }
  | { type: 'error'; message: string };

/** [start, end, error kind or '', protocol] of every collection, kept until reported. */
type Event = readonly [number, number, string, string];
const events: Event[] = [];

function timed(plugin: CollectorPlugin): CollectorPlugin {
  return {
    protocol: plugin.protocol,
    configSchema: plugin.configSchema,
    create(config, ctx): TargetCollector {
      const c = plugin.create(config, ctx);
      return {
        async collect(signal) {
          const start = Date.now();
          try {
            const samples = await c.collect(signal);
            // A collection that settles after its deadline is a timeout to the agent, whatever it returned.
            events.push([start, Date.now(), signal.aborted ? 'timeout' : '', plugin.protocol]);
            return samples;
          } catch (err) {
            events.push([start, Date.now(), err instanceof CollectError ? err.kind : 'other', plugin.protocol]);
            throw err;
          }
        },
        close: () => c.close(),
      };
    },
  };
}

/** Groups collections by the round they belong to (a collection always starts before the next boundary). */
export function roundsOf(evts: readonly Event[], intervalMs: number): RoundStats[] {
  const by = new Map<number, RoundStats>();
  for (const [start, end, kind, protocol] of evts) {
    const round = Math.floor(start / intervalMs) * intervalMs;
    let r = by.get(round);
    if (!r) by.set(round, (r = { round, scrapes: 0, ok: 0, errors: {}, completeMs: 0, durations: [], protocols: {} }));
    const p = (r.protocols[protocol] ??= { scrapes: 0, ok: 0, maxMs: 0 });
    r.scrapes++;
    p.scrapes++;
    if (kind === '') {
      r.ok++;
      p.ok++;
    } else r.errors[kind] = (r.errors[kind] ?? 0) + 1;
    r.completeMs = Math.max(r.completeMs, end - round);
    r.durations.push(end - start);
    p.maxMs = Math.max(p.maxMs, end - start);
  }
  return [...by.values()].sort((a, b) => a.round - b.round);
}

let agent: RunningAgent | undefined;
/** Writes the heap summary (DIMS_BENCH_HEAP_PROFILE=<file>: sampling heap profile of this agent). */
let writeHeapProfile: (() => Promise<void>) | undefined;
let intervalMs = 0;

const send = (m: FromChild) => process.send?.(m);

process.on('message', (raw) => {
  const m = raw as ToChild;
  void (async () => {
    try {
      if (m.type === 'start') {
        Object.assign(process.env, m.env);
        const heapFile = process.env.DIMS_BENCH_HEAP_PROFILE;
        if (heapFile)
          writeHeapProfile = await startHeapProfile(
            `${heapFile}.${targetsOf(m)}`,
            process.env.DIMS_BENCH_HEAP_PROFILE_ALLOCATED === '1',
          );
        const targets = m.config.targets as Array<{ protocol: string }>;
        const { plugins, unavailable } = await loadPlugins(targets.map((t) => t.protocol));
        if (unavailable.size > 0)
          throw new Error(
            `collectors not available: ${[...unavailable].map(([p, why]) => `${p} (${why})`).join(', ')}`,
          );
        const wrapped: PluginMap = Object.fromEntries(Object.entries(plugins).map(([p, plugin]) => [p, timed(plugin)]));
        // The agent's own logger (JSON lines on stderr) stays on: writing its warnings is part of its cost.
        agent = await runAgentInProcess(m.config, { plugins: wrapped, metricsPort: null, watchHeap: true });
        intervalMs = agent.config.scrapeIntervalMs;
        send({ type: 'started', targets: targets.length });
      } else if (m.type === 'report') {
        await writeHeapProfile?.();
        writeHeapProfile = undefined;
        send({ type: 'report', rounds: roundsOf(events, intervalMs) });
      } else if (m.type === 'warm') {
        // Every collector loaded once and written to Node's compile cache, as an agent's first start after an
        // install leaves them: the measured agents start as every later start does (src/agent/README.md, "Memory").
        await loadPlugins(COLLECTOR_PROTOCOLS);
        flushCompileCache();
        send({ type: 'warmed' });
      } else if (m.type === 'stop') {
        await agent?.stop();
        // The parent ends this process with a signal, which would leave Node's compile cache unwritten.
        flushCompileCache();
        send({ type: 'stopped' });
        process.disconnect?.();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  })();
});

function targetsOf(m: ToChild): number {
  return m.type === 'start' ? (m.config.targets as unknown[]).length : 0;
}
