/**
 * @module The trends stage: the scope's values of the chart indicators over the last periods (12 months,
 * 8 quarters or 5 years, ending with the report's period), beside the nation's.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Level } from '../model/values.ts';
import { periodWindow, shiftPeriod } from '../engine/periods.ts';
import type { ReportInputs } from './inputs.ts';
import type { Trend } from './types.ts';
import type { Resolved } from './request.ts';
import type { ChartSpec } from './chart-spec.ts';
import { NATION } from './request.ts';

/** The periods a trend covers, oldest first, ending with `period`. */
export function trendPeriods(r: Pick<Resolved, 'kind' | 'tz'>, period: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftPeriod(r.kind, period, i - count + 1, r.tz));
}

/** Reads the trend lines of `scope` (its level and code), with the nation beside it unless it is the nation. */
export async function readTrends(
  inputs: ReportInputs,
  catalog: Catalog,
  spec: ChartSpec,
  r: Pick<Resolved, 'kind' | 'tz' | 'lang'>,
  period: string,
  scope: { level: Level; code: string },
): Promise<Trend[]> {
  if (!inputs.series) return [];
  const periods = trendPeriods(r, period, spec.trend_periods[r.kind]);
  const fromMs = periodWindow(r.kind, periods[0]!, r.tz).fromMs;
  const toMs = periodWindow(r.kind, period, r.tz).toMs;
  const indicators = spec.trends.filter((id) => catalog.indicatorById.get(id)?.levels.includes(scope.level));
  const withNation = scope.level !== 'nation';
  const [own, nation] = await Promise.all([
    inputs.series(r.kind, fromMs, toMs, { level: scope.level, codes: [scope.code], indicators }),
    withNation
      ? inputs.series(r.kind, fromMs, toMs, { level: 'nation', codes: [NATION], indicators })
      : Promise.resolve([]),
  ]);
  const at = (values: typeof own, code: string) => {
    const m = new Map<string, number | null>();
    for (const v of values) if (v.code === code) m.set(`${v.indicator}/${v.period}`, v.value);
    return m;
  };
  const mine = at(own, scope.code);
  const cn = at(nation, NATION);
  return indicators.map((id) => {
    const ind = catalog.indicatorById.get(id)!;
    return {
      indicator: id,
      name: ind.name[r.lang],
      unit: ind.unit,
      periods,
      values: periods.map((p) => mine.get(`${id}/${p}`) ?? null),
      nation: withNation ? periods.map((p) => cn.get(`${id}/${p}`) ?? null) : null,
    };
  });
}
