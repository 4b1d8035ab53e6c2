/**
 * @module The summary stage: each indicator's value for the scope with its official target and status, its
 * rank among provinces, and its change against the previous period and the same period a year earlier.
 */
import type { Indicator, Province } from '../catalog/types.ts';
import type { Level, IndicatorValue } from '../model/values.ts';
import type { Lang } from '../catalog/docs.ts';
import { applicableTarget, rankValues, statusAt, targetText } from '../catalog/targets.ts';
import type { Comparison, SummaryRow, TargetInfo } from './types.ts';
import type { Resolved } from './request.ts';
import { key, type ReportValues, type ValueIndex } from './values.ts';
import { DIMENSIONS } from './text.ts';

/** The official target as it applies at `level` (a national total is no yardstick for a province). */
export function targetInfo(ind: Indicator, level: Level): TargetInfo | null {
  const t = applicableTarget(ind, level);
  return t ? { op: t.op!, value: t.value!, text: targetText(ind), source: t.source, scope: t.scope ?? null } : null;
}

export function compare(value: number | null, period: string, other: IndicatorValue | undefined): Comparison {
  const prev = other?.value ?? null;
  if (value === null || prev === null) return { period, value: prev, change: null, change_pct: null };
  return {
    period,
    value: prev,
    change: value - prev,
    change_pct: prev === 0 ? null : ((value - prev) / Math.abs(prev)) * 100,
  };
}

/** Each indicator's ranks among provinces (1 best, ties share) and how many provinces had a value. */
export type ProvinceRanks = Map<string, { ranks: Map<string, number | null>; of: number }>;

export function provinceRanks(indicators: Indicator[], provinces: Province[], cur: ValueIndex): ProvinceRanks {
  const ranks: ProvinceRanks = new Map();
  for (const ind of indicators) {
    const entries = provinces.map((p) => ({
      code: p.code,
      value: cur.get(key('province', p.code, ind.id))?.value ?? null,
    }));
    ranks.set(ind.id, { ranks: rankValues(ind, entries), of: entries.filter((e) => e.value !== null).length });
  }
  return ranks;
}

/** One row per indicator for the scope's own values. */
export function summaryRows(
  indicators: Indicator[],
  r: Resolved,
  values: ReportValues,
  ranks: ProvinceRanks,
): SummaryRow[] {
  return indicators.map((ind) => {
    const k = key(r.level, r.code, ind.id);
    const v = values.cur.get(k);
    const value = v?.value ?? null;
    const rank = ranks.get(ind.id)!;
    return {
      ...indicatorColumns(ind, r.lang),
      value,
      reason: v ? v.reason : 'not_computed',
      centers: v?.centers ?? 0,
      coverage: v?.coverage ?? { centers: null, it_energy: null },
      target: targetInfo(ind, r.level),
      target_status: statusAt(ind, r.level, value),
      rank: r.isNation ? null : (rank.ranks.get(r.code) ?? null),
      rank_of: r.isNation ? null : rank.of,
      previous: compare(value, r.previous, values.prev.get(k)),
      year_ago: compare(value, r.yearAgo, values.yearAgo.get(k)),
    };
  });
}

/** The columns that name an indicator in a summary row. */
export function indicatorColumns(
  ind: Indicator,
  lang: Lang,
): Pick<SummaryRow, 'indicator' | 'code' | 'dimension' | 'dimension_name' | 'name' | 'unit' | 'direction'> {
  return {
    indicator: ind.id,
    code: ind.code,
    dimension: ind.dimension,
    dimension_name: DIMENSIONS[ind.dimension][lang],
    name: ind.name[lang],
    unit: ind.unit,
    direction: ind.direction,
  };
}
