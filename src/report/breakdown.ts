/**
 * @module The breakdown stage: the province report's centers × center-level indicators, or the national
 * report's provinces × province-level indicators with their ranks and small-cell suppression.
 */
import type { Center } from '../model/centers.ts';
import type { Indicator, Province } from '../catalog/types.ts';
import type { RegistryIndex } from '../registry/load.ts';
import { statusAt } from '../catalog/targets.ts';
import type { Breakdown, Cell, ReportModel, TargetState } from './types.ts';
import type { Resolved } from './request.ts';
import { mustSuppress } from './suppression.ts';
import { targetInfo, type ProvinceRanks } from './summary.ts';
import { key, type ReportValues, type ValueIndex } from './values.ts';

/** The centers in scope: those the values speak of; the registry's when nothing was computed yet. */
export function centersInScope(registry: RegistryIndex, r: Resolved, values: ReportValues): Center[] {
  const ids = new Set<string>();
  for (const v of values.centers) if (r.isNation || registry.byId.get(v.code)?.province === r.code) ids.add(v.code);
  if (!values.computed)
    for (const c of registry.centers)
      if ((r.isNation || c.province === r.code) && c.status !== 'decommissioned') ids.add(c.id);
  return [...ids]
    .sort()
    .map((id) => registry.byId.get(id))
    .filter((c) => c !== undefined);
}

/** A cell of a value as it stands (not suppressed). */
function cell(ind: Indicator, level: 'center' | 'province', cur: ValueIndex, code: string, rank: number | null): Cell {
  const v = cur.get(key(level, code, ind.id));
  const value = v?.value ?? null;
  return {
    value,
    reason: v ? v.reason : 'not_computed',
    centers: v?.centers ?? 0,
    target_status: statusAt(ind, level, value),
    rank,
    suppressed: false,
  };
}

/** Every province × the province-level indicators; `hidden` counts the suppressed cells. */
export function provinceBreakdown(
  indicators: Indicator[],
  provinces: Province[],
  r: Resolved,
  cur: ValueIndex,
  ranks: ProvinceRanks,
  suppression: { enabled: boolean; minCenters: number },
): { breakdown: Breakdown; hidden: number } {
  const inds = indicators.filter((i) => i.levels.includes('province'));
  let hidden = 0;
  const rows = provinces.map((p) => ({
    code: p.code,
    name: p[r.lang],
    province: p.code,
    coverage: cur.get(key('province', p.code, inds[0]!.id))?.coverage.centers ?? null,
    cells: inds.map((ind): Cell => {
      const c = cell(ind, 'province', cur, p.code, ranks.get(ind.id)!.ranks.get(p.code) ?? null);
      if (!suppression.enabled || !mustSuppress(c.value, c.centers, suppression.minCenters)) return c;
      hidden++;
      return {
        ...c,
        value: null,
        reason: 'suppressed',
        target_status: 'no_value' as TargetState,
        rank: null,
        suppressed: true,
      };
    }),
  }));
  return {
    breakdown: {
      level: 'province',
      indicators: inds.map((i) => i.id),
      targets: inds.map((i) => targetInfo(i, 'province')),
      rows,
    },
    hidden,
  };
}

/** The province's centers × the center-level indicators. */
export function centerBreakdown(indicators: Indicator[], centers: Center[], cur: ValueIndex): Breakdown {
  const inds = indicators.filter((i) => i.levels.includes('center'));
  return {
    level: 'center',
    indicators: inds.map((i) => i.id),
    targets: inds.map((i) => targetInfo(i, 'center')),
    rows: centers.map((c) => ({
      code: c.id,
      name: c.name,
      province: c.province,
      coverage: cur.get(key('center', c.id, inds[0]!.id))?.coverage.it_energy ?? null,
      cells: inds.map((ind) => cell(ind, 'center', cur, c.id, null)),
    })),
  };
}

/** The breakdown's columns grouped by dimension: one sheet or table each, so each prints one page wide. */
export function byDimension(m: ReportModel): Array<{ dimension: string; name: string; columns: number[] }> {
  const byId = new Map(m.summary.map((s) => [s.indicator, s]));
  const groups = new Map<string, { dimension: string; name: string; columns: number[] }>();
  m.breakdown.indicators.forEach((id, i) => {
    const s = byId.get(id)!;
    const g = groups.get(s.dimension) ?? { dimension: s.dimension, name: s.dimension_name, columns: [] };
    g.columns.push(i);
    groups.set(s.dimension, g);
  });
  return [...groups.values()];
}
