/**
 * @module A center's own report, for the people who run it: its indicators with targets and status, its
 * rank among its province's centers, its data completeness, and what changed since the previous period.
 *
 * Same model and renderers as the province report (level `center`), built in named stages: resolve →
 * read (the province's center values, comparisons, the center's reporting facts and filings, trends) →
 * rank among the province's centers → summary → completeness → changes → assemble.
 */
import type { Catalog, Indicator } from '../catalog/types.ts';
import type { Center } from '../model/centers.ts';
import { rankValues } from '../catalog/targets.ts';
import type { ReportInputs } from './inputs.ts';
import type { Completeness, ReportModel, ReportRequest } from './types.ts';
import { checkPeriodAndLang, periodHeader, ReportRequestError, resolvePeriod, type Resolved } from './request.ts';
import { indexValues, key, type ReportValues } from './values.ts';
import { summaryRows, type ProvinceRanks } from './summary.ts';
import { centerQuality, filedMetrics } from './quality.ts';
import { notableChanges } from './changes.ts';
import { definitions } from './definitions.ts';
import { chartSpec } from './chart-spec.ts';
import { readTrends } from './trends.ts';
import { formHeader } from './form.ts';
import { catalogOrder } from './model.ts';

const CENTER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A center report request: `scope` is the center id. */
export type CenterReportRequest = Omit<ReportRequest, 'suppress' | 'minCenters'>;

/** Checks the center and period; returns the center and the resolved period (its level is `center`). */
export function resolveCenter(
  inputs: Pick<ReportInputs, 'registry' | 'tz'>,
  req: CenterReportRequest,
): { center: Center; r: Resolved } {
  if (!CENTER_ID.test(req.scope))
    throw new ReportRequestError('center', req.scope, `must be a center id (${CENTER_ID.source})`);
  const center = inputs.registry.byId.get(req.scope);
  if (!center) throw new ReportRequestError('center', req.scope, 'is not a center of the registry');
  const kind = checkPeriodAndLang(req);
  return {
    center,
    r: { ...resolvePeriod(kind, req, inputs.tz), isNation: false, level: 'center', code: center.id },
  };
}

/** Reads the province's center values (for ranks), the center's comparisons, reporting facts and filings. */
async function readCenterValues(inputs: ReportInputs, period: string, r: Resolved, c: Center): Promise<ReportValues> {
  const hint = { levels: ['center' as const], provinces: [c.province] };
  const [cur, prev, yearAgo, stats, filings] = await Promise.all([
    inputs.values(r.kind, period, hint),
    inputs.values(r.kind, r.previous, hint),
    inputs.values(r.kind, r.yearAgo, hint),
    inputs.lastTelemetry(r.window.fromMs, r.window.toMs, [c.id]),
    inputs.declarations ? inputs.declarations(r.window.fromMs, r.window.toMs) : Promise.resolve(undefined),
  ]);
  const centers = cur.filter((v) => v.level === 'center' && inputs.registry.byId.get(v.code)?.province === c.province);
  const own = (vs: typeof cur) => vs.filter((v) => v.level === 'center' && v.code === c.id);
  return {
    cur: indexValues(centers),
    prev: indexValues(own(prev)),
    yearAgo: indexValues(own(yearAgo)),
    centers,
    computed: centers.length > 0,
    stats: stats.filter((s) => s.center === c.id),
    filings: filings?.filter((f) => f.center === c.id),
  };
}

/** Each indicator's ranks among the province's centers. */
function centerRanks(indicators: Indicator[], values: ReportValues): ProvinceRanks {
  const ids = [...new Set(values.centers.map((v) => v.code))];
  const ranks: ProvinceRanks = new Map();
  for (const ind of indicators) {
    const entries = ids.map((code) => ({ code, value: values.cur.get(key('center', code, ind.id))?.value ?? null }));
    ranks.set(ind.id, { ranks: rankValues(ind, entries), of: entries.filter((e) => e.value !== null).length });
  }
  return ranks;
}

function completeness(
  catalog: Catalog,
  c: Center,
  r: Resolved,
  values: ReportValues,
  first: string,
  graceMs?: number,
): Completeness {
  const required = values.filings
    ? catalog.metrics.filter((m) => m.source === 'declaration').map((m) => m.id)
    : undefined;
  const filed = filedMetrics(catalog, values.filings ?? [], r.window).get(c.id);
  const stats = values.stats[0];
  const q = centerQuality(c, r, values, {
    firstIndicator: first,
    graceMs: graceMs ?? 3_600_000,
    ...(stats ? { stats } : {}),
    ...(filed ? { filed } : {}),
    ...(required ? { required } : {}),
  });
  return {
    expected: q.expected,
    reported: q.reported,
    time_coverage: q.quality.time_coverage,
    downtime_hours: q.quality.downtime_hours,
    last_data: q.quality.last_data,
    declarations_missing: q.quality.declarations_missing,
    issues: q.quality.issues,
  };
}

/** Builds a center's report for one period. */
export async function buildCenterReport(inputs: ReportInputs, req: CenterReportRequest): Promise<ReportModel> {
  const { catalog } = inputs;
  const { center, r } = resolveCenter(inputs, req);
  const spec = chartSpec(catalog);
  const [values, trends] = await Promise.all([
    readCenterValues(inputs, req.period, r, center),
    readTrends(inputs, catalog, spec, r, req.period, { level: 'center', code: center.id, province: center.province }),
  ]);
  const indicators = catalogOrder(catalog).indicators.filter((i) => i.levels.includes('center'));
  const summary = summaryRows(indicators, r, values, centerRanks(indicators, values));
  const first = indicators[0]!.id;
  const done = completeness(catalog, center, r, values, first, req.lateGraceMs);
  const node = values.cur.get(key('center', center.id, first));
  const own = values.cur.get(key('center', center.id, spec.distribution))?.value ?? null;
  const province = catalog.provinceByCode.get(center.province);
  return {
    report: 'dims.report',
    schema_version: 2,
    lang: r.lang,
    level: 'center',
    scope: { code: center.id, name: center.name },
    province: { code: center.province, name: province ? province[r.lang] : center.province },
    period: periodHeader(req.period, r),
    generated_at: new Date(r.generatedMs).toISOString(),
    catalog_version: catalog.version,
    coverage: {
      has_data: done.reported,
      computed: values.computed,
      centers_expected: done.expected ? 1 : 0,
      centers_reported: done.reported ? 1 : 0,
      centers: node?.coverage.centers ?? null,
      it_energy: node?.coverage.it_energy ?? null,
    },
    suppression: { enabled: false, min_centers: 0, hidden: 0 },
    form: formHeader(req.form, center.id, r.generatedMs, r.tz),
    summary,
    breakdown: { level: 'center', indicators: [], targets: [], rows: [] },
    quality: { centers: done.issues.length > 0 ? [centerIssues(center, done)] : [], provinces: [] },
    completeness: done,
    changes: notableChanges(catalog, 'center', summary),
    charts: {
      headline: spec.headline.filter((id) => indicators.some((i) => i.id === id)),
      trends,
      distribution: {
        indicator: spec.distribution,
        values: values.centers
          .filter((v) => v.indicator === spec.distribution && v.value !== null)
          .map((v) => v.value!),
        mark: own,
      },
      provinces: [],
    },
    definitions: definitions(catalog, indicators, r.lang),
  };
}

function centerIssues(c: Center, done: Completeness): ReportModel['quality']['centers'][number] {
  return {
    center: c.id,
    name: c.name,
    province: c.province,
    issues: done.issues,
    time_coverage: done.time_coverage,
    downtime_hours: done.downtime_hours,
    last_data: done.last_data,
    declarations_missing: done.declarations_missing,
  };
}
