/**
 * @module Runs the indicator engine for the hub: one named period or the rolling real-time window, reading
 * records from Storage and writing the values back. Runs are serialized (one at a time), so the
 * scheduler, late-record recomputes and admin requests never race on the same period, and running a
 * period twice stores the same values.
 */
import type { Catalog } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { IndicatorValue, Window } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { PeriodKind, Storage, StoredValue } from '../storage/types.ts';
import { evaluate, type RecordSource } from '../engine/evaluate.ts';
import { periodWindow, periodKindOf, type PeriodKindName } from '../engine/periods.ts';
import type { HubMetrics } from './metrics.ts';
import { inSpan, type Tracing } from './tracing.ts';

/** Declarations (monthly, quarterly filings) may span up to a year; their snapshots stand until replaced. */
const DECLARATION_LOOKBACK_MS = 367 * 86_400_000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);

export interface RunResult {
  kind: PeriodKind;
  period: string;
  fromMs: number;
  toMs: number;
  values: number;
  ms: number;
}

export interface EngineOptions {
  catalog: Catalog;
  registry: RegistryIndex;
  storage: Storage;
  metrics: HubMetrics;
  tracing: Tracing;
  tz: string;
  realtimeMinutes: number;
  storeRealtime: boolean;
  /** Telemetry records are at most this long; windows look back this far for records that straddle their start. */
  maxIntervalMs?: number;
  now?: () => number;
}

/** A RecordSource over Storage: records overlapping a window and earlier declarations. */
export function storageSource(storage: Storage, maxIntervalMs: number): RecordSource {
  return {
    async records(fromMs, toMs) {
      const [tele, decl] = await Promise.all([
        storage.queryRecords({ fromMs: fromMs - maxIntervalMs, toMs, source: 'telemetry' }),
        storage.queryRecords({ fromMs: fromMs - DECLARATION_LOOKBACK_MS, toMs, source: 'declaration' }),
      ]);
      const out: ParsedRecord[] = [];
      for (const r of tele) if (r.endMs > fromMs) out.push(r);
      for (const r of decl) if (r.endMs > fromMs) out.push(r);
      return out;
    },
    async declarationsBefore(beforeMs) {
      return storage.queryRecords({ fromMs: EARLIEST_MS, toMs: beforeMs, source: 'declaration' });
    },
  };
}

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
  /** The newest real-time values (for /metrics and "current" reads). */
  latestRealtime: { period: string; window: Window; values: IndicatorValue[] } | undefined;

  constructor(o: EngineOptions) {
    this.o = o;
    this.source = storageSource(o.storage, o.maxIntervalMs ?? 15 * 60_000);
  }

  get tz(): string {
    return this.o.tz;
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
    return this.serialize(() => this.run(kind, name, window, true));
  }

  /** Evaluates the rolling window ending at the minute boundary at or before `endMs` (default now). */
  runRealtime(endMs = this.now()): Promise<RunResult> {
    const toMs = Math.floor(endMs / 60_000) * 60_000;
    const window: Window = { fromMs: toMs - this.o.realtimeMinutes * 60_000, toMs };
    const period = new Date(toMs).toISOString();
    return this.serialize(() => this.run('realtime', period, window, this.o.storeRealtime));
  }

  /**
   * Asks for a real-time run `delayMs` from now, coalescing requests: records that just arrived show in
   * the rolling window without waiting for the next minute tick.
   */
  requestRealtime(delayMs: number): void {
    if (this.refreshTimer || delayMs <= 0) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.runRealtime().catch(() => undefined);
    }, delayMs);
    this.refreshTimer.unref();
  }

  private async run(kind: PeriodKind, period: string, window: Window, store: boolean): Promise<RunResult> {
    const { catalog, registry, storage, metrics } = this.o;
    const t0 = performance.now();
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
            source: this.source,
            tz: this.o.tz,
          });
          if (store) {
            await storage.writeValues(
              toStoredValues(values, { catalog, registry, kind, period, window, nowMs: this.now() }),
            );
          }
          if (kind === 'realtime') {
            this.latestRealtime = { period, window, values };
            metrics.setIndicatorValues(values);
          }
          span.setAttribute('dims.values', values.length);
          return values.length;
        },
      );
      const ms = performance.now() - t0;
      metrics.engineRunDuration.observe({ kind }, ms / 1000);
      metrics.engineLastRun.set({ kind }, this.now() / 1000);
      metrics.engineRuns.inc({ kind, result: 'ok' });
      return { kind, period, fromMs: window.fromMs, toMs: window.toMs, values: result, ms };
    } catch (err) {
      metrics.engineRuns.inc({ kind, result: 'error' });
      throw err;
    }
  }

  /** Waits for every queued run (shutdown, tests). */
  async idle(): Promise<void> {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
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
