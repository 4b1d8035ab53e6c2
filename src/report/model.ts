/**
 * @module A report as data: one model built from `ReportInputs`, rendered three ways (xlsx, csv, json).
 *
 * Every number in a report is a value the inputs returned, untouched (changes and ranks are computed
 * from those values), so a report always equals the API and the dashboards for the same period. Empty
 * values stay empty with their reason, never 0. The generation time is an input: the same inputs and
 * request give the same model, byte for byte once rendered.
 *
 * `buildReport` runs named stages: resolve the request → read the values and trends → rank provinces →
 * summary → breakdown → data quality → definitions → assemble (with the form header and chart data).
 */
import type { Catalog } from '../catalog/types.ts';
import type { Lang } from '../catalog/docs.ts';
import { applicableTarget } from '../catalog/targets.ts';
import type { PeriodKindName } from '../model/periods.ts';
import type { ReportInputs } from './inputs.ts';
import type { Breakdown, ChartData, ReportFormat, ReportModel, ReportRequest } from './types.ts';
import { periodHeader, resolveRequest, type Resolved } from './request.ts';
import { readValues, key, type ReportValues } from './values.ts';
import { provinceRanks, summaryRows } from './summary.ts';
import { centerBreakdown, centersInScope, provinceBreakdown } from './breakdown.ts';
import { dataQuality, type QualityResult } from './quality.ts';
import { definitions } from './definitions.ts';
import { chartSpec } from './chart-spec.ts';
import { readTrends } from './trends.ts';
import { formHeader } from './form.ts';
import { MIN_CENTERS } from './suppression.ts';
import { LEVELS } from './text.ts';

export { applicableTarget };
export * from './types.ts';
export { checkRequest, ReportRequestError } from './request.ts';
export { localTime } from './local-time.ts';

/** Indicators and provinces in the order every table lists them (by code). */
export function catalogOrder(catalog: Catalog) {
  return {
    indicators: [...catalog.indicators].sort((a, b) => (a.code < b.code ? -1 : 1)),
    provinces: [...catalog.provinces].sort((a, b) => (a.code < b.code ? -1 : 1)),
  };
}

/** Builds the report model for one scope and period. */
export async function buildReport(inputs: ReportInputs, req: ReportRequest): Promise<ReportModel> {
  const { catalog, registry } = inputs;
  const r = resolveRequest(catalog, req, inputs.tz);
  const spec = chartSpec(catalog);
  const [values, trends] = await Promise.all([
    readValues(inputs, req.period, r),
    readTrends(inputs, catalog, spec, r, req.period, {
      level: r.level,
      code: r.code,
      ...(r.isNation ? {} : { province: r.code }),
    }),
  ]);
  const { indicators, provinces } = catalogOrder(catalog);
  const ranks = provinceRanks(indicators, provinces, values.cur);
  const centers = centersInScope(registry, r, values);
  const summary = summaryRows(indicators, r, values, ranks);
  const minCenters = req.minCenters ?? MIN_CENTERS;
  const suppress = r.isNation && req.suppress === true;
  const { breakdown, hidden } = r.isNation
    ? provinceBreakdown(indicators, provinces, r, values.cur, ranks, { enabled: suppress, minCenters })
    : { breakdown: centerBreakdown(indicators, centers, values.cur), hidden: 0 };
  const quality = dataQuality(catalog, provinces, centers, r, values, {
    firstIndicator: indicators[0]!.id,
    ...(req.lateGraceMs !== undefined ? { lateGraceMs: req.lateGraceMs } : {}),
  });
  return assemble(catalog, req, r, values, {
    summary,
    breakdown,
    quality,
    suppression: { enabled: suppress, min_centers: minCenters, hidden },
    definitions: definitions(catalog, indicators, r.lang),
    firstIndicator: indicators[0]!.id,
    charts: {
      headline: r.isNation ? [] : spec.headline,
      trends,
      distribution: distribution(spec.distribution, breakdown, values, r.isNation),
      provinces: r.isNation ? spec.provinces : [],
    },
  });
}

/** The spread of one indicator over the centers in scope (from the breakdown, or every center for the nation). */
function distribution(
  indicator: string,
  breakdown: Breakdown,
  values: ReportValues,
  isNation: boolean,
): ChartData['distribution'] {
  let list: Array<number | null>;
  if (isNation) list = values.centers.filter((v) => v.indicator === indicator).map((v) => v.value);
  else {
    const col = breakdown.indicators.indexOf(indicator);
    list = col < 0 ? [] : breakdown.rows.map((row) => row.cells[col]!.value);
  }
  return { indicator, values: list.filter((v) => v !== null), mark: null };
}

/** Puts the stages' results together with the cover's facts. */
function assemble(
  catalog: Catalog,
  req: ReportRequest,
  r: Resolved,
  values: ReportValues,
  parts: Pick<ReportModel, 'summary' | 'breakdown' | 'suppression' | 'definitions' | 'charts'> & {
    breakdown: Breakdown;
    quality: QualityResult;
    firstIndicator: string;
  },
): ReportModel {
  const node = values.cur.get(key(r.level, r.code, parts.firstIndicator));
  const scopeName = r.isNation ? LEVELS.nation[r.lang] : catalog.provinceByCode.get(r.code)![r.lang];
  return {
    report: 'dims.report',
    schema_version: 2,
    lang: r.lang,
    level: r.isNation ? 'nation' : 'province',
    scope: { code: r.code, name: scopeName },
    province: null,
    period: periodHeader(req.period, r),
    generated_at: new Date(r.generatedMs).toISOString(),
    catalog_version: catalog.version,
    coverage: {
      has_data: parts.quality.reported > 0,
      computed: values.computed,
      centers_expected: parts.quality.expected,
      centers_reported: parts.quality.reported,
      centers: node?.coverage.centers ?? null,
      it_energy: node?.coverage.it_energy ?? null,
    },
    suppression: parts.suppression,
    form: formHeader(req.form, req.scope, r.generatedMs, r.tz),
    summary: parts.summary,
    breakdown: parts.breakdown,
    quality: { centers: parts.quality.centers, provinces: parts.quality.provinces },
    completeness: null,
    changes: [],
    charts: parts.charts,
    definitions: parts.definitions,
  };
}

/** The file name a report is saved under: 44-2026-10.zh.xlsx, nation-2026-Q3.en.csv. */
export function reportFileName(scope: string, period: string, lang: Lang, format: ReportFormat): string {
  return `${scope}-${period}.${lang}.${format}`;
}

export type { PeriodKindName };
