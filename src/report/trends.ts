/**
 * @module The trends stage: the scope's values of the chart indicators over the last periods (12 months,
 * 8 quarters or 5 years, ending with the report's period), beside the nation's.
 */
import type { Catalog } from '../catalog/types.ts';
import type { Level } from '../model/values.ts';
import { shiftPeriod } from '../model/periods.ts';
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
  scope: { level: Level; code: string; province?: string },
): Promise<Trend[]> {
  const periods = trendPeriods(r, period, spec.trend_periods[r.kind]);
  const indicators = spec.trends.filter((id) => catalog.indicatorById.get(id)?.levels.includes(scope.level));
  const withNation = scope.level !== 'nation';
  // One read per period by its name (the stored values' key), narrowed to the scope's province: a range
  // read over every node's values of a year would cost more than the whole report.
  const levels: Level[] = withNation ? [scope.level, 'nation'] : ['nation'];
  const hint = { levels, ...(scope.province ? { provinces: [scope.province] } : {}) };
  const read = await Promise.all(periods.map((p) => inputs.values(r.kind, p, hint)));
  const wanted = new Set(indicators);
  const at = (code: string) => {
    const m = new Map<string, number | null>();
    read.forEach((values, i) => {
      for (const v of values)
        if (v.code === code && wanted.has(v.indicator)) m.set(`${v.indicator}/${periods[i]}`, v.value);
    });
    return m;
  };
  const own = at(scope.code);
  const cn = withNation ? at(NATION) : own;
  return indicators.map((id) => {
    const ind = catalog.indicatorById.get(id)!;
    return {
      indicator: id,
      name: ind.name[r.lang],
      unit: ind.unit,
      periods,
      values: periods.map((p) => own.get(`${id}/${p}`) ?? null),
      // A total (a sum over centers) has no yardstick in the nation's total: only ratios and shares get its line.
      nation: withNation && ind.computation.method !== 'sum' ? periods.map((p) => cn.get(`${id}/${p}`) ?? null) : null,
    };
  });
}
