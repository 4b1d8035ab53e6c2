/**
 * @module Where a report's numbers come from: one small interface with two implementations, stored
 * values (what the hub and its dashboards read) and the engine over records (offline `dims report`).
 *
 * The report builder only ever reads through `ReportInputs`, so a report made by the hub shows exactly
 * the stored values its API serves, and an offline report shows exactly what `dims eval` prints.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Level, IndicatorValue } from '../model/values.ts';
import type { ParsedRecord } from '../model/records.ts';
import type { RegistryIndex } from '../registry/load.ts';
import type { PeriodKind, Storage } from '../storage/types.ts';
import { evaluate, memorySource, type RecordSource } from '../engine/evaluate.ts';
import { DEFAULT_TZ, periodWindow, type PeriodKindName } from '../model/periods.ts';

/** Narrows a values read; implementations may return more than asked (the builder filters again). */
export interface ValuesHint {
  levels?: Level[];
  /** Only these provinces' province and center values (nation values are unaffected). */
  provinces?: string[];
}

/** The end of a center's last telemetry record in a window. */
export interface LastTelemetry {
  center: string;
  lastEndMs: number;
}

/** Everything a report reads. */
export interface ReportInputs {
  catalog: Catalog;
  registry: RegistryIndex;
  /** Time zone of named periods (default Asia/Shanghai). */
  tz?: string;
  /** Indicator values of one named period at every level (or those the hint asks for); empty when none exist. */
  values(periodKind: PeriodKindName, period: string, hint?: ValuesHint): Promise<IndicatorValue[]>;
  /**
   * When each of `centers` last sent telemetry in [fromMs, toMs) (centers with none are left out). Telemetry
   * only: a month-long filing would otherwise hide that a center's agent went quiet.
   */
  lastTelemetry(fromMs: number, toMs: number, centers: string[]): Promise<LastTelemetry[]>;
  /**
   * Declarations (filings) that started before `toMs`, back to a year before `fromMs` (snapshots such as a
   * certification stand until replaced). Without it the report does not check filings.
   */
  declarations?(fromMs: number, toMs: number): Promise<FiledDeclaration[]>;
}

/** One filing: which raw metrics it carried, for which interval. */
export interface FiledDeclaration {
  center: string;
  startMs: number;
  endMs: number;
  metrics: string[];
}

/** How far back a standing filing (a snapshot) is looked for. */
export const DECLARATION_LOOKBACK_MS = 367 * 86_400_000;

function filed(
  records: Array<{ center: string; startMs: number; endMs: number; metrics: Record<string, unknown> }>,
): FiledDeclaration[] {
  return records.map((r) => ({
    center: r.center,
    startMs: r.startMs,
    endMs: r.endMs,
    metrics: Object.keys(r.metrics),
  }));
}

interface Grouped {
  nation: IndicatorValue[];
  province: Map<string, IndicatorValue[]>;
  center: Map<string, IndicatorValue[]>;
}

function group(values: IndicatorValue[], registry: RegistryIndex): Grouped {
  const g: Grouped = { nation: [], province: new Map(), center: new Map() };
  for (const v of values) {
    if (v.level === 'nation') {
      g.nation.push(v);
      continue;
    }
    const p = v.level === 'province' ? v.code : (registry.byId.get(v.code)?.province ?? '');
    const by = v.level === 'province' ? g.province : g.center;
    const list = by.get(p);
    if (list) list.push(v);
    else by.set(p, [v]);
  }
  return g;
}

export interface StorageInputsOptions {
  catalog: Catalog;
  registry: RegistryIndex;
  tz?: string;
  /**
   * Filings that started before an instant, from somewhere faster than storage (the hub keeps them in memory,
   * dropped when one arrives): without it each report reads a year of records to find the few filings.
   */
  filingsBefore?(beforeMs: number): Promise<ParsedRecord[]>;
}

/** Reads the stored values the hub serves (and its dashboards show). */
export function storageInputs(storage: Storage, ctx: StorageInputsOptions): ReportInputs {
  return {
    catalog: ctx.catalog,
    registry: ctx.registry,
    ...(ctx.tz ? { tz: ctx.tz } : {}),
    async values(periodKind, period, hint) {
      const levels = hint?.levels ?? ['nation', 'province', 'center'];
      // One query per level: the national value never carries a province, so a province filter must not touch it.
      const reads = levels.map((level) =>
        storage.queryValues({
          period_kind: periodKind as PeriodKind,
          period,
          level,
          ...(hint?.provinces && level !== 'nation' ? { provinces: hint.provinces } : {}),
        }),
      );
      return (await Promise.all(reads)).flat();
    },
    async lastTelemetry(fromMs, toMs, centers) {
      // One index seek per center into the raw records (the latest that started in the window), never a read
      // of the period's records. Raw telemetry is kept for weeks (storage retention): centers it no longer
      // answers for get the last end their month roll-ups (kept long term) remember.
      const last = new Map<string, number>();
      for (const [center, r] of await storage.latestTelemetry(centers, fromMs, toMs)) last.set(center, r.endMs);
      const pending = centers.filter((c) => !last.has(c));
      if (pending.length > 0)
        for (const r of await storage.queryRollups({ kind: 'month', fromMs, toMs, centers: pending }))
          if (r.rollup.records > 0 && r.rollup.lastEndMs > (last.get(r.center) ?? -Infinity))
            last.set(r.center, r.rollup.lastEndMs);
      return [...last].map(([center, lastEndMs]) => ({ center, lastEndMs }));
    },
    async declarations(fromMs, toMs) {
      const from = fromMs - DECLARATION_LOOKBACK_MS;
      if (ctx.filingsBefore) return filed((await ctx.filingsBefore(toMs)).filter((r) => r.startMs >= from));
      return filed(await storage.queryRecords({ fromMs: from, toMs, source: 'declaration' }));
    },
  };
}

/**
 * Evaluates records with the engine, one period at a time. Each period is evaluated once and kept,
 * so 31 provincial reports of a month cost one evaluation of that month (and of its comparisons).
 */
export function engineInputs(ctx: {
  catalog: Catalog;
  registry: RegistryIndex;
  records: ParsedRecord[];
  tz?: string;
  source?: RecordSource;
}): ReportInputs {
  const tz = ctx.tz ?? DEFAULT_TZ;
  const source = ctx.source ?? memorySource(ctx.records);
  // Each period is evaluated once and grouped by level and province, so a provincial report reads its
  // own few thousand values rather than the whole nation's.
  const cache = new Map<string, Promise<Grouped>>();
  const telemetry = ctx.records.filter((r) => r.source === 'telemetry');
  const declarations = ctx.records.filter((r) => r.source === 'declaration');
  const grouped = (periodKind: PeriodKindName, period: string): Promise<Grouped> => {
    const key = `${periodKind}/${period}`;
    let hit = cache.get(key);
    if (!hit) {
      const window = periodWindow(periodKind, period, tz);
      hit = evaluate({ catalog: ctx.catalog, registry: ctx.registry, window, source, tz }).then((all) =>
        group(all, ctx.registry),
      );
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
  const values = async (periodKind: PeriodKindName, period: string, hint?: ValuesHint) => {
    const g = await grouped(periodKind, period);
    const out: IndicatorValue[] = [];
    for (const level of hint?.levels ?? (['nation', 'province', 'center'] as Level[])) {
      if (level === 'nation') out.push(...g.nation);
      else {
        const by = level === 'province' ? g.province : g.center;
        for (const p of hint?.provinces ?? by.keys()) out.push(...(by.get(p) ?? []));
      }
    }
    return out;
  };
  return {
    catalog: ctx.catalog,
    registry: ctx.registry,
    tz,
    values,
    async lastTelemetry(fromMs, toMs, centers) {
      const wanted = new Set(centers);
      const lastEnd = new Map<string, number>();
      for (const r of telemetry)
        if (r.startMs >= fromMs && r.startMs < toMs && wanted.has(r.center))
          if (r.endMs > (lastEnd.get(r.center) ?? -Infinity)) lastEnd.set(r.center, r.endMs);
      return [...lastEnd].map(([center, lastEndMs]) => ({ center, lastEndMs }));
    },
    async declarations(fromMs, toMs) {
      return filed(declarations.filter((r) => r.startMs < toMs && r.startMs >= fromMs - DECLARATION_LOOKBACK_MS));
    },
  };
}
