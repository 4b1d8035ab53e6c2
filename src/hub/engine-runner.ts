/**
 * @module Runs the indicator engine for the hub: one named period or the rolling real-time window, writing
 * the values to Storage. Runs are serialized (one at a time), so the scheduler, late-record recomputes and
 * admin requests never race on the same period, and running a period twice stores the same values.
 *
 * Where a run's inputs come from: the rolling window from the telemetry held in memory (live-telemetry.ts;
 * storage only until the hub has held a whole window), closed windows and year-earlier comparisons from the
 * roll-ups that tile them (rollups.ts), declarations from a cache dropped when a filing arrives. So a run
 * costs what its window holds, whatever the history behind it.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { IndicatorValue, Window } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { PeriodKind, Storage, StoredRollup, StoredValue } from '../storage/types.ts';
import { evaluate, evaluationWindows, type RecordSource } from '../engine/evaluate.ts';
import { periodName, periodWindow, periodKindOf, type PeriodKindName } from '../model/periods.ts';
import type { HubMetrics } from './metrics.ts';
import { inSpan, type Tracing } from './tracing.ts';
import type { StateDb } from './state-db.ts';
import { LiveTelemetry } from './live-telemetry.ts';
import { RollupKeeper } from './rollups.ts';
import { DeclarationsCache } from './declarations-cache.ts';
import { LatestValues } from './latest-values.ts';

export interface RunResult {
  kind: PeriodKind;
  period: string;
  fromMs: number;
  toMs: number;
  values: number;
  /** Reading inputs (building roll-ups as needed), evaluating and storing; the wait for its turn left out. */
  ms: number;
}

/** Which real-time values are stored (all are kept in memory for the API, /metrics and reports). */
export type StoreRealtime = 'all' | 'regions' | 'none';

export interface EngineOptions {
  catalog: Catalog;
  registry: RegistryIndex;
  storage: Storage;
  state: StateDb;
  metrics: HubMetrics;
  tracing: Tracing;
  tz: string;
  realtimeMinutes: number;
  storeRealtime: StoreRealtime;
  /** Telemetry records are at most this long; windows look back this far for records that straddle their start. */
  maxIntervalMs?: number;
  now?: () => number;
  /** Gives the event loop a turn between steps of long runs (default: setImmediate). */
  yieldTurn?: () => Promise<void>;
  /** Told of every hour roll-up written (federation forwarding roll-ups). */
  onHours?: (rollups: StoredRollup[]) => void;
}

const setImmediateTurn = () => new Promise<void>((r) => setImmediate(r));
/** The rolling window's records from before a start are read this many ms of starts at a time. */
const LOAD_STEP_MS = 5 * 60_000;
/** Nodes whose values are written per storage call (a node's values stay together). */
const WRITE_NODES = 1_000;

/** Turns engine output into stored values with their period identity. */
export function toStoredValues(
  values: IndicatorValue[],
  ctx: { catalog: Catalog; registry: RegistryIndex; kind: PeriodKind; period: string; window: Window; nowMs: number },
): StoredValue[] {
  return values.map((v) => ({
    ...v,
    period_kind: ctx.kind,
    period: ctx.period,
    fromMs: ctx.window.fromMs,
    toMs: ctx.window.toMs,
    province:
      v.level === 'nation' ? '' : v.level === 'province' ? v.code : (ctx.registry.byId.get(v.code)?.province ?? ''),
    dimension: ctx.catalog.indicatorById.get(v.indicator)?.dimension ?? '',
    computedAtMs: ctx.nowMs,
  }));
}

export class EngineRunner {
  private readonly o: EngineOptions;
  private readonly source: RecordSource;
  private queue: Promise<unknown> = Promise.resolve();
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The read of the rolling window's records from before the start, while it runs. */
  private loading: Promise<void> | undefined;
  private readonly maxIntervalMs: number;
  /** The newest telemetry, fed by ingest. */
  readonly live: LiveTelemetry;
  readonly rollups: RollupKeeper;
  readonly declarations: DeclarationsCache;
  /** The newest values of each period kind, for the overview, rankings and the console. */
  readonly latest: LatestValues;
  /** Told of every finished run (the hub benchmark records their times). */
  onRun: ((r: RunResult) => void) | undefined;
  /** Told each time a named period's values are stored (closed or recomputed): the report cache listens. */
  readonly valuesStored: Array<(kind: PeriodKind, period: string) => void> = [];
  /** How long the last real-time run took (ms). */
  private lastRealtimeMs = 0;
  /** Named-period runs under way (from their first read to their stored values). */
  private periodRuns = 0;
  /** A refresh asked for while a period ran: it runs when the last of them ends. */
  private refreshAfterPeriods: number | undefined;
  /** The newest real-time values (for /metrics and "current" reads). */
  latestRealtime: { period: string; window: Window; values: IndicatorValue[] } | undefined;

  constructor(o: EngineOptions) {
    this.o = o;
    this.maxIntervalMs = o.maxIntervalMs ?? 15 * 60_000;
    const now = () => this.now();
    this.live = new LiveTelemetry({
      catalog: o.catalog,
      tz: o.tz,
      // A record that ended before the rolling window began is of no use to it: held while it ends within it.
      spanMs: (o.realtimeMinutes + 1) * 60_000,
      maxIntervalMs: this.maxIntervalMs,
      now,
    });
    this.rollups = new RollupKeeper({
      catalog: o.catalog,
      registry: o.registry,
      storage: o.storage,
      state: o.state,
      tz: o.tz,
      maxIntervalMs: this.maxIntervalMs,
      live: this.live,
      now,
      yieldTurn: o.yieldTurn ?? setImmediateTurn,
      ...(o.onHours ? { onHours: o.onHours } : {}),
    });
    this.declarations = new DeclarationsCache(o.storage);
    this.latest = new LatestValues(o.registry, o.storage);
    this.source = {
      records: async (fromMs, toMs) => {
        const [telemetry, declarations] = await Promise.all([
          this.telemetry(fromMs, toMs),
          this.declarations.overlapping(fromMs, toMs),
        ]);
        return declarations.length === 0 ? telemetry : telemetry.concat(declarations);
      },
      declarationsBefore: (beforeMs) => this.declarations.before(beforeMs),
    };
  }

  /**
   * Telemetry overlapping a window: a window reaching into the open hour (the rolling window) from memory or
   * raw records; a closed one, and every year-earlier comparison, from roll-ups.
   */
  private async telemetry(fromMs: number, toMs: number): Promise<ParsedRecord[]> {
    const openHour = periodWindow('hour', periodName('hour', this.now(), this.o.tz), this.o.tz).fromMs;
    if (toMs <= openHour) return this.rollups.telemetry(fromMs, toMs);
    const held = (await this.live.records(fromMs, toMs)) ?? (await this.loadLive(fromMs, toMs));
    if (held) return held;
    return this.o.storage.queryRecords({
      fromMs: fromMs - this.maxIntervalMs,
      toMs,
      endAfterMs: fromMs,
      source: 'telemetry',
    });
  }

  /**
   * The rolling window's records from before the hub started, read from storage once and held with the
   * live ones: until then each real-time run would read its whole window (and the longest interval before
   * it) from storage, tens of thousands of records a minute. Undefined when the window cannot be held.
   */
  private async loadLive(fromMs: number, toMs: number): Promise<ParsedRecord[] | undefined> {
    if (!this.live.holdable(fromMs)) return undefined;
    const from = fromMs - this.maxIntervalMs;
    const since = this.live.since;
    // A few minutes at a time, each packed as it is read: half an hour of 10,000 centers' records is 300,000
    // parsed records, a gigabyte held at once.
    this.loading ??= (async () => {
      for (let t = from; t < since; t += LOAD_STEP_MS) {
        const to = Math.min(t + LOAD_STEP_MS, since);
        const q = { fromMs: t, toMs: to, endAfterMs: this.live.heldFrom, source: 'telemetry' as const };
        this.live.load(await this.o.storage.queryRecords(q), from, to >= since);
      }
    })().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
    return await this.live.records(fromMs, toMs);
  }

  get tz(): string {
    return this.o.tz;
  }

  private turn(): Promise<void> {
    return (this.o.yieldTurn ?? setImmediateTurn)();
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Runs `fn` after every earlier run has settled. */
  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Evaluates and stores one named period (hour 2026-10-05T13, day, month, quarter 2026-Q3, year). */
  runPeriod(kind: PeriodKindName, name: string): Promise<RunResult> {
    if (periodKindOf(name) !== kind)
      throw new RangeError(`period ${JSON.stringify(name)} is not a ${kind} (e.g. ${EXAMPLES[kind]})`);
    const window = periodWindow(kind, name, this.o.tz);
    const t0 = performance.now();
    this.periodRuns++;
    return this.prefetch({ ...window, period: name })
      .then((source) => {
        const prefetchMs = performance.now() - t0;
        // The run's time is its own work (reading inputs, evaluating, storing), not its wait for its turn.
        return this.serialize(() => this.run(kind, name, window, true, source, performance.now() - prefetchMs));
      })
      .finally(() => {
        if (--this.periodRuns > 0 || this.refreshAfterPeriods === undefined) return;
        const delayMs = this.refreshAfterPeriods;
        this.refreshAfterPeriods = undefined;
        this.requestRealtime(delayMs);
      });
  }

  /**
   * Reads a period's inputs (building the roll-ups they need, in steps that yield) before the run takes its
   * turn: a long recompute then holds the queue only while it evaluates, and real-time runs go on meanwhile.
   */
  private async prefetch(window: Window): Promise<RecordSource> {
    const fetched = new Map<string, ParsedRecord[]>();
    for (const w of evaluationWindows(this.o.catalog, window, this.o.tz))
      fetched.set(`${w.fromMs}/${w.toMs}`, await this.source.records(w.fromMs, w.toMs));
    return {
      records: (fromMs, toMs) => {
        const hit = fetched.get(`${fromMs}/${toMs}`);
        return hit ? Promise.resolve(hit) : this.source.records(fromMs, toMs);
      },
      declarationsBefore: (beforeMs) => this.declarations.before(beforeMs),
    };
  }

  /** Evaluates the rolling window ending at the minute boundary at or before `endMs` (default now). */
  runRealtime(endMs = this.now()): Promise<RunResult> {
    const toMs = Math.floor(endMs / 60_000) * 60_000;
    const window: Window = { fromMs: toMs - this.o.realtimeMinutes * 60_000, toMs };
    const period = new Date(toMs).toISOString();
    return this.serialize(() => this.run('realtime', period, window, this.o.storeRealtime !== 'none'));
  }

  /**
   * Asks for a real-time run `delayMs` from now, coalescing requests: records that just arrived show in
   * the rolling window without waiting for the next minute tick. With thousands of agents pushing all
   * minute long, requests never stop: the delay is at least nine times the last run's length, so these
   * runs take at most a tenth of a core (at 10,000 centers a refresh every 13 s or so, well within the minute
   * a record covers; a fifth of a core was two-fifths of the hub's whole steady load). While a named period runs (a close, a recompute) the refresh waits
   * for it to end: at 10,000 centers a refresh is over a second of the event loop, every few seconds, and
   * the closes at midnight would share their time with it. The minute's own run is not held back.
   */
  requestRealtime(delayMs: number): void {
    if (this.refreshTimer || delayMs <= 0) return;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = undefined;
        if (this.periodRuns > 0) this.refreshAfterPeriods = delayMs;
        else this.runRealtime().catch(() => undefined);
      },
      Math.max(delayMs, 9 * this.lastRealtimeMs),
    );
    this.refreshTimer.unref();
  }

  private async run(
    kind: PeriodKind,
    period: string,
    window: Window,
    store: boolean,
    source: RecordSource = this.source,
    t0 = performance.now(),
  ): Promise<RunResult> {
    const { catalog, registry, storage, metrics } = this.o;
    try {
      const result = await inSpan(
        this.o.tracing.tracer,
        'engine.run',
        { 'dims.period_kind': kind, 'dims.period': period },
        async (span) => {
          const values = await evaluate({
            catalog,
            registry,
            window: kind === 'realtime' ? window : { ...window, period },
            source,
            tz: this.o.tz,
          });
          const stored = { catalog, registry, kind, period, window, nowMs: this.now() };
          if (store) {
            // Real-time values of every center each minute would outgrow any store: by default only the
            // regions' are kept (centers' latest are in memory; their history is the hour values).
            const kept =
              kind === 'realtime' && this.o.storeRealtime === 'regions'
                ? values.filter((v) => v.level !== 'center')
                : values;
            // In slices of nodes: the stored form of 600,000 values (10,000 centers) is never held at once.
            const step = WRITE_NODES * Math.max(1, catalog.indicators.length);
            for (let i = 0; i < kept.length; i += step) {
              await storage.writeValues(toStoredValues(kept.slice(i, i + step), stored));
              if (i + step < kept.length) await this.turn();
            }
            if (kind !== 'realtime') for (const f of this.valuesStored) f(kind, period);
          }
          await this.latest.put(kind, period, values, (v) => toStoredValues([v], stored)[0]!);
          if (kind === 'realtime') {
            this.latestRealtime = { period, window, values };
            metrics.setIndicatorValues(values);
            this.live.prune(window.fromMs);
          }
          span.setAttribute('dims.values', values.length);
          return values.length;
        },
      );
      const ms = performance.now() - t0;
      if (kind === 'realtime') this.lastRealtimeMs = ms;
      metrics.engineRunDuration.observe({ kind }, ms / 1000);
      metrics.engineLastRun.set({ kind }, this.now() / 1000);
      metrics.engineRuns.inc({ kind, result: 'ok' });
      const r: RunResult = { kind, period, fromMs: window.fromMs, toMs: window.toMs, values: result, ms };
      this.onRun?.(r);
      return r;
    } catch (err) {
      metrics.engineRuns.inc({ kind, result: 'error' });
      throw err;
    }
  }

  /** Waits for every queued run (shutdown, tests). */
  async idle(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.refreshAfterPeriods = undefined;
    await this.queue;
  }
}

const EXAMPLES: Record<PeriodKindName, string> = {
  hour: '2026-10-05T13',
  day: '2026-10-05',
  month: '2026-10',
  quarter: '2026-Q3',
  year: '2026',
};
