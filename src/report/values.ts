/**
 * @module The report's reads: the period's values at the scope's levels, the comparison periods, the
 * reporting facts and the filings, all in one round of parallel reads, indexed by level, code and indicator.
 */
import type { IndicatorValue } from '../model/values.ts';
import type { FiledDeclaration, LastTelemetry, ReportInputs } from './inputs.ts';
import type { Resolved } from './request.ts';

/** Values by `level/code/indicator`. */
export type ValueIndex = Map<string, IndicatorValue>;

export function key(level: string, code: string, indicator: string): string {
  return `${level}/${code}/${indicator}`;
}

export function indexValues(values: IndicatorValue[]): ValueIndex {
  const m: ValueIndex = new Map();
  for (const v of values) m.set(key(v.level, v.code, v.indicator), v);
  return m;
}

export interface ReportValues {
  /** The period's nation, province and (in scope) center values. */
  cur: ValueIndex;
  /** The scope's own values of the previous period and of the same period a year earlier. */
  prev: ValueIndex;
  yearAgo: ValueIndex;
  /** The period's center values (the builder keeps those in scope). */
  centers: IndicatorValue[];
  /** Whether any value exists for the period at all. */
  computed: boolean;
  /** When each center in scope last sent telemetry in the period. */
  stats: LastTelemetry[];
  /** Undefined when the inputs cannot tell what was filed. */
  filings: FiledDeclaration[] | undefined;
}

/** Reads everything a province or national report shows. */
export async function readValues(inputs: ReportInputs, period: string, r: Resolved): Promise<ReportValues> {
  const provinceHint = r.isNation ? {} : { provinces: [r.code] };
  const registered = inputs.registry.centers.filter((c) => r.isNation || c.province === r.code).map((c) => c.id);
  const [top, centerVals, prevVals, yearVals, stats, filings] = await Promise.all([
    inputs.values(r.kind, period, { levels: ['nation', 'province'] }),
    inputs.values(r.kind, period, { levels: ['center'], ...provinceHint }),
    inputs.values(r.kind, r.previous, { levels: [r.level], ...provinceHint }),
    inputs.values(r.kind, r.yearAgo, { levels: [r.level], ...provinceHint }),
    inputs.lastTelemetry(r.window.fromMs, r.window.toMs, registered),
    inputs.declarations ? inputs.declarations(r.window.fromMs, r.window.toMs) : Promise.resolve(undefined),
  ]);
  const centers = centerVals.filter((v) => v.level === 'center');
  return {
    cur: indexValues(top.concat(centers)),
    prev: indexValues(prevVals),
    yearAgo: indexValues(yearVals),
    centers,
    computed: top.length > 0,
    stats,
    filings,
  };
}
